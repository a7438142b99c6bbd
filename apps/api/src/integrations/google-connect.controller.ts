import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, type TenantPrincipal } from '../auth/principal';
import { ApiError, ApiErrorBody } from '../errors/api-error';
import { ConnectGoogleQueryDto } from './connect-google.query.dto';
import { sendConnectResultPage } from './connect-result.page';
import { GoogleConnectService } from './google-connect.service';

@ApiTags('integrations')
@Controller('v1/integrations/google')
export class GoogleConnectController {
  constructor(private readonly google: GoogleConnectService) {}

  @Get('connect')
  @ApiBearerAuth()
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: "Start connecting the tenant's Google Workspace: the consent URL a Workspace admin opens (valid 10 minutes, once)" })
  @ApiResponse({ status: 503, type: ApiErrorBody, description: 'No Google OAuth client is configured' })
  connect(@CurrentTenant() caller: TenantPrincipal, @Query() query: ConnectGoogleQueryDto) {
    return this.google.consentUrl(caller, query.domain);
  }

  @Get('callback')
  @Public()
  @ApiOperation({ summary: "Google's redirect after consent; stores the grant, encrypted, and shows the admin the result" })
  async callback(@Query('state') state: string | undefined, @Query('code') code: string | undefined, @Query('error') error: string | undefined, @Res() response: Response) {
    try {
      const { domain } = await this.google.complete({ state, code, error });
      sendConnectResultPage(response, 200, 'Google Workspace connected', `Custodian can now act on users of ${domain}. You can close this page.`);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      sendConnectResultPage(response, failure.getStatus(), 'Google Workspace was not connected', failure.message);
    }
  }
}
