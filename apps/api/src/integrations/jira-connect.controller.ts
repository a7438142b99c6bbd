import { Body, Controller, Get, Inject, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../../libs/config/app-config';
import { Public, TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { ChooseJiraSiteDto } from './choose-jira-site.dto';
import { ConnectJiraQueryDto } from './connect-jira.query.dto';
import { sendConnectResultPage } from './connect-result.page';
import { JiraConnectService } from './jira-connect.service';
import { ConsentUrlResponse, JIRA_CONNECT_RESULT_PAGE_EXAMPLES, JiraConnectionResponse } from './integration-responses';
import { bindConsentToBrowser, consentBrowserBinding } from './oauth-browser-binding';
import { APP_CONFIG } from '../platform/platform.module';
import { servedOverHttps } from '../auth/user-session-cookie';

const CONNECTION_READERS: readonly TenantRole[] = ['admin', 'auditor'];

@ApiTags('integrations')
@Controller('v1/integrations/jira')
export class JiraConnectController {
  constructor(
    private readonly jira: JiraConnectService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('connect')
  @ApiBearerAuth()
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: "Start connecting the tenant's Jira Cloud site: Atlassian's consent URL a Jira admin opens (valid 10 minutes, once)",
    description: "The URL of Atlassian's consent screen for exactly the 3LO scopes the sync uses, bound to this tenant by a one-time state (and, from a person's session, to that browser). With site, that site is chosen when the grant reaches it.",
    success: { status: 200, description: 'The consent URL', type: ConsentUrlResponse },
    errors: [{ status: 503, description: 'No Atlassian OAuth app is configured (JIRA_CLIENT_ID)' }],
  })
  connect(@CurrentTenant() caller: TenantPrincipal, @Query() query: ConnectJiraQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    // From a person's session, the consent can only be finished in this browser.
    const binding = bindConsentToBrowser(caller, 'jira', response, servedOverHttps(request, this.config.api.publicUrl));
    return this.jira.consentUrl(caller, query.site, binding);
  }

  @Get('callback')
  @Public()
  @ApiRoute({
    summary: "Atlassian's redirect after consent; stores the grant, encrypted, and shows the admin the result",
    description: "Atlassian sends the admin's browser here (not for API callers): the one-time state names the tenant, the code is exchanged for tokens, the sites the grant reaches are recorded and the grant stored encrypted. The answer is a page, whatever the outcome; with several sites it asks an admin to pick one with PUT /v1/integrations/jira/site.",
    success: { status: 200, description: 'Connected, or a site to choose: a page saying so', media: { 'text/html': JIRA_CONNECT_RESULT_PAGE_EXAMPLES.connected } },
    errors: [
      {
        status: 400,
        description: 'Declined, an expired or unknown state, a consent started in another browser, or a grant that reaches no (or not the named) site: a page saying why',
        page: JIRA_CONNECT_RESULT_PAGE_EXAMPLES.failed,
      },
      { status: 502, description: 'Atlassian could not be reached or did not answer: a page saying so', page: JIRA_CONNECT_RESULT_PAGE_EXAMPLES.failed },
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
      const connection = await this.jira.complete({ state, code, error, browserBinding: consentBrowserBinding('jira', request) });
      if (connection.site) {
        sendConnectResultPage(response, 200, 'Jira connected', `Custodian can now sync with ${connection.site.url}. You can close this page.`);
      } else {
        const choices = connection.availableSites.map((site) => `${site.url} (cloudId ${site.cloudId})`).join(', ');
        sendConnectResultPage(response, 200, 'Choose a Jira site', `Your Atlassian account reaches several Jira sites: ${choices}. A tenant admin picks one with PUT /v1/integrations/jira/site {"cloudId": "..."}.`);
      }
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      sendConnectResultPage(response, failure.getStatus(), 'Jira was not connected', failure.message);
    }
  }

  @Get('site')
  @ApiBearerAuth()
  @TenantRoles(CONNECTION_READERS)
  @ApiRoute({
    summary: 'The Jira connection: status, the chosen site, the sites the grant reaches, the app account (no token material)',
    description: 'Whether Jira is connected, waits for a site to be chosen, or needs consent again; the site synced with and the Atlassian account Custodian acts as.',
    success: { status: 200, description: 'The connection', type: JiraConnectionResponse },
    errors: [{ status: 404, description: 'Jira is not connected' }],
  })
  site(@CurrentTenant() caller: TenantPrincipal) {
    return this.jira.view(caller);
  }

  @Put('site')
  @ApiBearerAuth()
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Choose the Jira site Custodian syncs with, among those the grant reaches',
    description: "Picks the site (also to move the sync to another site the grant reaches); Custodian looks up the account it acts as there.",
    success: { status: 200, description: 'The connection with the site chosen', type: JiraConnectionResponse },
    errors: [
      { status: 400, description: 'cloudId is not one of availableSites' },
      { status: 404, description: 'Jira is not connected' },
      { status: 502, description: 'Atlassian could not be reached or did not answer' },
    ],
  })
  chooseSite(@CurrentTenant() caller: TenantPrincipal, @Body() body: ChooseJiraSiteDto) {
    return this.jira.chooseSite(caller, body.cloudId);
  }
}
