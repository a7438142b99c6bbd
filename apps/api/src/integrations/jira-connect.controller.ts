import { Body, Controller, Get, Inject, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../../libs/config/app-config';
import { Public, TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiError, ApiErrorBody } from '../errors/api-error';
import { ChooseJiraSiteDto } from './choose-jira-site.dto';
import { ConnectJiraQueryDto } from './connect-jira.query.dto';
import { sendConnectResultPage } from './connect-result.page';
import { JiraConnectService } from './jira-connect.service';
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
  @ApiOperation({ summary: "Start connecting the tenant's Jira Cloud site: Atlassian's consent URL a Jira admin opens (valid 10 minutes, once)" })
  @ApiResponse({ status: 503, type: ApiErrorBody, description: 'No Atlassian OAuth app is configured' })
  connect(@CurrentTenant() caller: TenantPrincipal, @Query() query: ConnectJiraQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    // From a person's session, the consent can only be finished in this browser.
    const binding = bindConsentToBrowser(caller, 'jira', response, servedOverHttps(request, this.config.api.publicUrl));
    return this.jira.consentUrl(caller, query.site, binding);
  }

  @Get('callback')
  @Public()
  @ApiOperation({ summary: "Atlassian's redirect after consent; stores the grant, encrypted, and shows the admin the result" })
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
  @ApiOperation({ summary: 'The Jira connection: status, the chosen site, the sites the grant reaches, the app account (no token material)' })
  site(@CurrentTenant() caller: TenantPrincipal) {
    return this.jira.view(caller);
  }

  @Put('site')
  @ApiBearerAuth()
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'Choose the Jira site Custodian syncs with, among those the grant reaches' })
  @ApiResponse({ status: 400, type: ApiErrorBody, description: 'cloudId is not one of availableSites' })
  chooseSite(@CurrentTenant() caller: TenantPrincipal, @Body() body: ChooseJiraSiteDto) {
    return this.jira.chooseSite(caller, body.cloudId);
  }
}
