import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../../libs/config/app-config';
import { Public, TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, type TenantPrincipal } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { ConnectGoogleQueryDto } from './connect-google.query.dto';
import { sendConnectResultPage } from './connect-result.page';
import { GoogleConnectService } from './google-connect.service';
import { bindConsentToBrowser, consentBrowserBinding } from './oauth-browser-binding';
import { APP_CONFIG } from '../platform/platform.module';
import { servedOverHttps } from '../auth/user-session-cookie';
import { CONNECT_RESULT_PAGE_EXAMPLES, ConsentUrlResponse } from './integration-responses';

@ApiTags('integrations')
@Controller('v1/integrations/google')
export class GoogleConnectController {
  constructor(
    private readonly google: GoogleConnectService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('connect')
  @ApiBearerAuth()
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: "Start connecting the tenant's Google Workspace: the consent URL a Workspace admin opens (valid 10 minutes, once)",
    description: "The URL of Google's consent screen for the Admin SDK Directory scopes Custodian uses, bound to this tenant and domain by a one-time state. After consent Google redirects to the callback, which stores the grant encrypted once Google confirms the account administers the domain.",
    success: { status: 200, description: 'The consent URL', type: ConsentUrlResponse },
    errors: [{ status: 503, description: 'No Google OAuth client is configured (GOOGLE_CLIENT_ID)' }],
  })
  connect(@CurrentTenant() caller: TenantPrincipal, @Query() query: ConnectGoogleQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    // From a person's session, the consent can only be finished in this browser.
    const binding = bindConsentToBrowser(caller, 'google', response, servedOverHttps(request, this.config.api.publicUrl));
    return this.google.consentUrl(caller, query.domain, binding);
  }

  @Get('callback')
  @Public()
  @ApiRoute({
    summary: "Google's redirect after consent; stores the grant, encrypted, and shows the admin the result",
    description: "Google sends the administrator's browser here (not for API callers): the one-time state names the tenant, the code is exchanged for tokens, the domain's ownership is confirmed, and the grant is stored encrypted. The answer is a page, whatever the outcome.",
    success: { status: 200, description: 'Connected: a page saying so', media: { 'text/html': CONNECT_RESULT_PAGE_EXAMPLES.connected } },
    errors: [
      {
        status: 400,
        description: 'Declined, an expired or unknown state, a consent started in another browser, or Google refused the code: a page saying why',
        page: CONNECT_RESULT_PAGE_EXAMPLES.failed,
      },
      { status: 403, description: 'The consenting account does not administer the domain: a page saying so', page: CONNECT_RESULT_PAGE_EXAMPLES.failed },
      { status: 502, description: 'Google could not be reached or did not answer: a page saying so', page: CONNECT_RESULT_PAGE_EXAMPLES.failed },
    ],
  })
  async callback(
    @Query('state') state: string | undefined,
    @Query('code') code: string | undefined,
    @Query('error') error: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    try {
      const { domain } = await this.google.complete({ state, code, error, browserBinding: consentBrowserBinding('google', request) });
      sendConnectResultPage(response, 200, 'Google Workspace connected', `Custodian can now act on users of ${domain}. You can close this page.`);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      sendConnectResultPage(response, failure.getStatus(), 'Google Workspace was not connected', failure.message);
    }
  }
}
