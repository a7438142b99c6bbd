import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OneTimeSecretStore } from '../../../../libs/secrets/one-time-secret-store';
import { Public } from '../auth/access.decorators';
import { ApiError, ApiErrorBody } from '../errors/api-error';

/** A temporary password, shown once. The link is the only credential: whoever holds it sees the password once. */
@ApiTags('secrets')
@Controller('v1/secrets')
export class OneTimeSecretsController {
  constructor(private readonly secrets: OneTimeSecretStore) {}

  @Get(':token')
  @Public()
  @ApiOperation({ summary: 'Show a temporary password once; the secret is destroyed as it is shown (24 h at most)' })
  @ApiResponse({ status: 410, type: ApiErrorBody, description: 'Already shown, or expired' })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  async reveal(@Param('token') token: string, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    // Nothing on the way (browser cache, proxies, the Referer of a next page) may keep a copy.
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    response.setHeader('Referrer-Policy', 'no-referrer');
    const result = await this.secrets.reveal(token, `one-time-link:${request.ip ?? 'unknown'}`);
    if (result.kind === 'unknown') throw new ApiError(404, 'not_found', 'no such secret');
    if (result.kind === 'gone') {
      throw new ApiError(410, 'secret_gone', result.reason === 'expired' ? 'this secret expired unread and was destroyed' : 'this secret was already shown and is destroyed');
    }
    return {
      user: result.subject,
      temporaryPassword: result.value.reveal(),
      changeAtNextSignIn: true,
      note: 'Shown once: this link no longer works. The user must choose a new password at next sign-in.',
    };
  }
}
