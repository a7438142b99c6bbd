import { Injectable, Logger } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { jiraSyncStatusQuery, jiraSyncWorkflowId, type JiraSyncWorkflowStatus } from '../../../../libs/contracts';
import { TenantScopedDatabase } from '../../../../libs/db';

export interface JiraSyncStatusView {
  connected: boolean;
  /** The Jira grant: active, or needs_reconsent once Atlassian refused it (the sync then stops until an admin connects again). */
  integrationStatus: 'active' | 'needs_reconsent' | null;
  site: { cloudId: string; url: string; name: string | null } | null;
  watermark: string | null;
  webhooksExpireAt: string | null;
  /** Pairs waiting or being synced, from the workflow; null when it is not running. */
  backlog: number | null;
  workflow: { id: string; running: boolean };
  lastSuccessAt: string | null;
  lastError: { message: string; at: string } | null;
  counts: { issuesLinked: number; conflicts: number; failures: number };
}

/** What an admin, manager or auditor sees of the tenant's Jira sync: never tokens, secrets or field values. */
@Injectable()
export class JiraSyncStatusService {
  private readonly logger = new Logger(JiraSyncStatusService.name);

  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
  ) {}

  async status(tenantId: string): Promise<JiraSyncStatusView> {
    const stored = await this.db.withTenant(tenantId, async (tx) => ({
      site: (await tx.$queryRaw<{ cloud_id: string | null; site_url: string | null; site_name: string | null }[]>`SELECT cloud_id, site_url, site_name FROM jira_sites`)[0],
      integration: (await tx.$queryRaw<{ status: 'active' | 'needs_reconsent' }[]>`SELECT status FROM integration_credentials WHERE provider = 'jira'`)[0],
      state: (await tx.$queryRaw<{ watermark: Date | null; webhook_expires_at: Date | null; last_success_at: Date | null; last_error: string | null; last_error_at: Date | null }[]>`
        SELECT watermark, webhook_expires_at, last_success_at, last_error, last_error_at FROM jira_sync_states`)[0],
      counts: (await tx.$queryRaw<{ linked: bigint; conflicts: bigint; failures: bigint }[]>`
        SELECT (SELECT count(*) FROM jira_issue_links) AS linked,
               (SELECT count(*) FROM audit_events WHERE action = 'jira.sync.conflict') AS conflicts,
               (SELECT count(*) FROM audit_events WHERE action = 'jira.sync.attempt_failed') AS failures`)[0],
    }));
    const workflowId = jiraSyncWorkflowId(tenantId);
    let workflowStatus: JiraSyncWorkflowStatus | null = null;
    try {
      const handle = this.temporal.workflow.getHandle(workflowId);
      if ((await handle.describe()).status.name === 'RUNNING') workflowStatus = await handle.query(jiraSyncStatusQuery);
    } catch (error) {
      this.logger.debug(`no status from ${workflowId}: ${(error as Error).message}`);
    }
    const site = stored.site?.cloud_id && stored.site.site_url ? { cloudId: stored.site.cloud_id, url: stored.site.site_url, name: stored.site.site_name } : null;
    return {
      connected: site !== null && stored.integration?.status === 'active',
      integrationStatus: stored.integration?.status ?? null,
      site,
      watermark: stored.state?.watermark?.toISOString() ?? null,
      webhooksExpireAt: stored.state?.webhook_expires_at?.toISOString() ?? null,
      backlog: workflowStatus?.backlog ?? null,
      workflow: { id: workflowId, running: workflowStatus !== null },
      lastSuccessAt: stored.state?.last_success_at?.toISOString() ?? null,
      lastError: stored.state?.last_error && stored.state.last_error_at ? { message: stored.state.last_error, at: stored.state.last_error_at.toISOString() } : null,
      counts: { issuesLinked: Number(stored.counts.linked), conflicts: Number(stored.counts.conflicts), failures: Number(stored.counts.failures) },
    };
  }
}
