import { Injectable, Logger } from '@nestjs/common';
import { TenantScopedDatabase } from '../../../../libs/db';
import { JiraSyncSignals } from '../../../../libs/jira-sync/jira-sync-signals';

/**
 * Tells the tenant's Jira sync that a ticket changed (fields or comments), after the change committed. Only
 * tenants whose sync has run get the signal; a lost signal is caught up by reconciliation, so a failure here
 * is logged and never fails the edit.
 */
@Injectable()
export class JiraTicketChanges {
  private readonly logger = new Logger(JiraTicketChanges.name);

  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly signals: JiraSyncSignals,
  ) {}

  async changed(tenantId: string, ticketId: string): Promise<void> {
    try {
      const syncing = await this.db.withTenant(tenantId, (tx) => tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM jira_sync_states`);
      if (syncing.length > 0) await this.signals.ticketChanged(tenantId, ticketId);
    } catch (error) {
      this.logger.warn(`Jira sync not told of a ticket change (reconciliation will find it): ${(error as Error).message}`);
    }
  }
}
