import { Injectable, Logger } from '@nestjs/common';
import { TenantScopedDatabase } from '../../../../libs/db';
import { JiraSyncSignals } from '../../../../libs/jira-sync/jira-sync-signals';

/**
 * Starts (or nudges) a tenant's Jira sync the moment it has both a chosen site with an active grant and a
 * sync configuration: after the connect callback or site pick, and after a configuration is created or
 * replaced. Waiting for the first reconciliation is not an option: the Schedules that send it are made by the
 * sync workflow itself. The webhook refresh re-registers the webhook when the configured projects changed (its
 * JQL filter names them); the reconciliation backfills projects with no linked issue yet. The request that
 * triggered this has already committed, so a failure is logged, not returned; the next configuration change or
 * consent tries again, and GET /v1/jira/sync-status shows the workflow as not running meanwhile.
 */
@Injectable()
export class JiraSyncStarter {
  private readonly logger = new Logger(JiraSyncStarter.name);

  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly signals: JiraSyncSignals,
  ) {}

  /** Returns whether the sync was signalled (false: not connected or not configured yet, or Temporal refused). */
  async startIfReady(tenantId: string): Promise<boolean> {
    try {
      const ready = await this.db.withTenant(tenantId, async (tx) => {
        const [row] = await tx.$queryRaw<{ connected: boolean; configured: boolean }[]>`
          SELECT EXISTS (SELECT 1 FROM jira_sites WHERE cloud_id IS NOT NULL AND account_id IS NOT NULL)
             AND EXISTS (SELECT 1 FROM integration_credentials WHERE provider = 'jira' AND status = 'active') AS connected,
                 EXISTS (SELECT 1 FROM jira_sync_configs) AS configured`;
        return row.connected && row.configured;
      });
      if (!ready) return false;
      await this.signals.tick(tenantId, 'refresh-webhooks');
      await this.signals.tick(tenantId, 'reconcile');
      return true;
    } catch (error) {
      this.logger.error(`Jira sync of tenant ${tenantId} not started: ${(error as Error).message}`);
      return false;
    }
  }
}
