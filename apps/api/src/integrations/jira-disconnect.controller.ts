import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { JiraDisconnectResponse } from './jira-disconnect-responses';
import { JiraDisconnectService } from './jira-disconnect.service';

const DISCONNECT_READERS: readonly TenantRole[] = ['admin', 'auditor'];

const WHAT_IT_DOES =
  'Stops the tenant\'s Jira sync (its Schedules and workflow) and deletes Custodian\'s webhooks at Jira, then takes every Custodian marker off the Jira issues it touched ' +
  '(the custodian-sync label, the custodian.ticket issue property, the "— synced from Custodian ticket CT-…" line ending a description or a comment Custodian wrote; ' +
  'the rest of each comment stays word for word), then destroys the stored tokens and data keys and marks the Custodian tickets unlinked (they stay). ' +
  'Atlassian has no API to revoke the grant: the answer says where the Jira admin removes the app. Jira\'s rate limits slow it down and never fail it; an issue deleted in Jira meanwhile is skipped and counted.';

/** Disconnect & clean up: leave Jira as cleanly as the tenant joined it. */
@ApiTags('integrations')
@ApiBearerAuth()
@Controller('v1/integrations/jira/disconnect')
export class JiraDisconnectController {
  constructor(private readonly disconnects: JiraDisconnectService) {}

  @Post()
  @HttpCode(202)
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Disconnect Jira and clean up every Custodian marker on the tenant\'s Jira issues',
    description: `${WHAT_IT_DOES} Idempotent: asked again while it runs, or after it finished, it answers with the same workflow (200).`,
    success: [
      { status: 202, description: 'Started: the workflow and its progress so far', type: JiraDisconnectResponse },
      { status: 200, description: 'Already running or finished: that workflow and its progress', type: JiraDisconnectResponse },
    ],
    errors: [{ status: 404, description: 'Jira is not connected and was never disconnected' }],
  })
  async start(@CurrentTenant() caller: TenantPrincipal, @Res({ passthrough: true }) response: Response) {
    const { created, view } = await this.disconnects.start(caller);
    if (!created) response.status(200);
    return view;
  }

  @Get()
  @TenantRoles(DISCONNECT_READERS)
  @ApiRoute({
    summary: 'Progress of Disconnect & clean up: issues cleaned of total, skipped, failures with reasons, steps',
    description: 'The latest Disconnect & clean up of the tenant, running or finished; the same progress the Temporal UI shows in the workflow\'s memo and current details.',
    success: { status: 200, description: 'Its progress', type: JiraDisconnectResponse },
    errors: [{ status: 404, description: 'Jira was never disconnected' }],
  })
  get(@CurrentTenant() caller: TenantPrincipal) {
    return this.disconnects.get(caller.tenantId);
  }
}
