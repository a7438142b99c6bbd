import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public, TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import type { TenantPrincipal, TenantRole } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
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
  @ApiOperation({ summary: 'Receives a Jira dynamic-webhook delivery (registered by the sync; not for API callers)' })
  @ApiResponse({ status: 401, type: ApiErrorBody, description: 'unknown secret, bad signature, or a replayed delivery' })
  async receive(@Param('token') token: string, @Headers('x-atlassian-webhook-identifier') identifier: string | undefined, @Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    await this.webhooks.receive(token, { identifier, authorization }, body);
    return { accepted: true };
  }

  @Get('sync-status')
  @ApiBearerAuth()
  @TenantRoles(STATUS_READERS)
  @ApiOperation({ summary: "The tenant's Jira sync: site, watermark, backlog, last success and error, counts" })
  status(@CurrentTenant() caller: TenantPrincipal) {
    return this.statuses.status(caller.tenantId);
  }
}
