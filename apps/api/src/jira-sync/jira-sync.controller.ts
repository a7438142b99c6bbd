import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Public, TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import type { TenantPrincipal, TenantRole } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { JiraSyncStatusResponse, WebhookAcceptedResponse } from './jira-sync-responses';
import { JiraSyncStatusService } from './jira-sync-status.service';
import { JiraWebhooksService } from './jira-webhooks.service';

const STATUS_READERS: readonly TenantRole[] = ['admin', 'manager', 'auditor'];

@ApiTags('jira')
@Controller('v1/jira')
export class JiraSyncController {
  constructor(
    private readonly webhooks: JiraWebhooksService,
    private readonly statuses: JiraSyncStatusService,
  ) {}

  /** Jira calls this; the token in the path is the webhook's secret, so no API key. */
  @Post('webhooks/:token')
  @Public()
  @HttpCode(202)
  @ApiRoute({
    summary: 'Receives a Jira dynamic-webhook delivery (registered by the sync; not for API callers)',
    description:
      "Jira calls this URL, which the sync registered with a secret token in its path; the delivery must also carry Atlassian's signature and a delivery identifier not seen before. An accepted delivery is committed and answered at once; the tenant's sync workflow takes it from there and fetches the issue itself.",
    success: { status: 202, description: 'Accepted for the sync', type: WebhookAcceptedResponse },
    errors: [
      { status: 400, description: 'X-Atlassian-Webhook-Identifier is missing or too long' },
      { status: 401, description: 'Unknown secret, bad signature, or a replayed delivery' },
      { status: 503, description: 'The delivery could not be accepted now; Jira retries' },
    ],
  })
  async receive(@Param('token') token: string, @Headers('x-atlassian-webhook-identifier') identifier: string | undefined, @Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    await this.webhooks.receive(token, { identifier, authorization }, body);
    return { accepted: true };
  }

  @Get('sync-status')
  @ApiBearerAuth()
  @TenantRoles(STATUS_READERS)
  @ApiRoute({
    summary: "The tenant's Jira sync: site, watermark, backlog, last success and error, counts",
    description: "Whether the sync runs and how far it is: the site, the grant's state, up to when Jira changes are synced, when the webhooks expire, the backlog, the last success and error, and counts of linked issues, conflicts and failures.",
    success: { status: 200, description: 'The sync status', type: JiraSyncStatusResponse },
  })
  status(@CurrentTenant() caller: TenantPrincipal) {
    return this.statuses.status(caller.tenantId);
  }
}
