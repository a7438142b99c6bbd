import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OneTimeSecretStore } from '../../../../libs/secrets/one-time-secret-store';
import { Public } from '../auth/access.decorators';
import { ApiError, ApiErrorBody } from '../errors/api-error';
import { askToRevealPage, escapeHtml, revealedPage, sendSecretPage } from './one-time-secret.page';

/** A temporary password, shown once. The link is the only credential: whoever holds it sees the password once. */
@ApiTags('secrets')
@Controller('v1/secrets')
export class OneTimeSecretsController {
  constructor(private readonly secrets: OneTimeSecretStore) {}

  @Get(':token')
  @Public()
  @ApiProduces('application/json', 'text/html')
  @ApiOperation({
    summary: 'Show a temporary password once (JSON); the secret is destroyed as it is shown (24 h at most). A browser (Accept: text/html) gets a button first',
  })
  @ApiResponse({ status: 410, type: ApiErrorBody, description: 'Already shown, or expired' })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  async show(@Param('token') token: string, @Req() request: Request, @Res() response: Response) {
    if (wantsHtml(request)) return sendSecretPage(response, 200, askToRevealPage(token));
    return this.reveal(token, request, response);
  }

  @Post(':token')
  @Public()
  @HttpCode(200)
  @ApiProduces('application/json', 'text/html')
  @ApiOperation({ summary: "The browser page's button: shows the temporary password once, like the GET" })
  @ApiResponse({ status: 410, type: ApiErrorBody })
  async reveal(@Param('token') token: string, @Req() request: Request, @Res() response: Response) {
    // Nothing on the way (browser cache, proxies, the Referer of a next page) may keep a copy.
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    response.setHeader('Referrer-Policy', 'no-referrer');
    const result = await this.secrets.reveal(token, `one-time-link:${request.ip ?? 'unknown'}`);
    let failure: ApiError | undefined;
    if (result.kind === 'unknown') failure = new ApiError(404, 'not_found', 'no such secret');
    if (result.kind === 'gone') {
      failure = new ApiError(410, 'secret_gone', result.reason === 'expired' ? 'this secret expired unread and was destroyed' : 'this secret was already shown and is destroyed');
    }
    if (failure) {
      if (!wantsHtml(request)) throw failure;
      return sendSecretPage(response, failure.getStatus(), { title: 'Nothing to show', body: `<p>${escapeHtml(failure.message)}.</p>` });
    }
    if (result.kind !== 'revealed') return undefined;
    if (wantsHtml(request)) return sendSecretPage(response, 200, revealedPage(result.subject, result.value.reveal()));
    response.json({
      user: result.subject,
      temporaryPassword: result.value.reveal(),
      changeAtNextSignIn: true,
      note: 'Shown once: this link no longer works. The user must choose a new password at next sign-in.',
    });
    return undefined;
  }
}

function wantsHtml(request: Request): boolean {
  return request.accepts(['application/json', 'text/html']) === 'text/html';
}
