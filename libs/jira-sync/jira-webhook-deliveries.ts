import type { JiraTakenDeliveries } from '../contracts';
import type { TenantScopedDatabase } from '../db';

/** Deliveries taken into the sync workflow's queue per call; more are taken by the next call. */
const TAKE_BATCH = 1000;

/**
 * jira_webhook_deliveries as the queue between the webhook endpoint and the sync workflow: the endpoint commits
 * a delivery (its identifier, which drops duplicates, and the issue key; no issue content) and answers; the
 * workflow, told by a signal or at its next reconciliation, takes the pending ones. A take is marked with the
 * taker's id (the activity's, stable across its retries), so a retried take returns the same deliveries again
 * and a delivery is never lost between being marked and reaching the workflow's history.
 */
export class JiraWebhookDeliveries {
  constructor(private readonly db: TenantScopedDatabase) {}

  async take(tenantId: string, takerId: string): Promise<JiraTakenDeliveries> {
    return this.db.withTenant(tenantId, async (tx) => {
      await tx.$executeRaw`
        UPDATE jira_webhook_deliveries SET taken_by = ${takerId}, taken_at = now()
        WHERE identifier IN (
          SELECT identifier FROM jira_webhook_deliveries WHERE taken_by IS NULL AND issue_key IS NOT NULL
          ORDER BY received_at LIMIT ${TAKE_BATCH} FOR UPDATE SKIP LOCKED)`;
      const rows = await tx.$queryRaw<{ issue_key: string }[]>`SELECT issue_key FROM jira_webhook_deliveries WHERE taken_by = ${takerId} GROUP BY issue_key ORDER BY min(received_at)`;
      const [pending] = await tx.$queryRaw<{ more: boolean }[]>`SELECT EXISTS (SELECT 1 FROM jira_webhook_deliveries WHERE taken_by IS NULL AND issue_key IS NOT NULL) AS more`;
      return { issueKeys: rows.map((row) => row.issue_key), more: pending.more };
    });
  }
}
