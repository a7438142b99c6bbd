export const RETENTION_WORKFLOW = 'retentionWorkflow';
/** The Temporal Schedule that runs it; ensured (created, or updated when its spec changed) by every worker at start. */
export const RETENTION_SCHEDULE_ID = 'retention';
/** How often expired rows are looked for: a row outlives its retention by at most this much. */
export const RETENTION_INTERVAL = '6 hours';

/**
 * What is kept how long, per tenant table, by the age of one timestamp column. The audit trail is not here: it
 * keeps its own retention (tenants.audit_retention_days, two years by default) and is pruned with a signed
 * checkpoint by `npm run audit:prune`, which needs the owner role the worker does not hold.
 */
export const RETENTION_RULES = [
  // Jira's answers as received (encrypted): for operations, 30 days.
  { table: 'jira_raw_responses', column: 'received_at', days: 30, kind: 'jira-raw-responses' },
  // Operational records, 90 days: webhook delivery ids (de-duplication; Jira retries for ~30 minutes at most),
  // the notification outbox (each notice is also in the audit trail), OAuth consents in flight (10 minutes each).
  { table: 'jira_webhook_deliveries', column: 'received_at', days: 90, kind: 'operational-log' },
  { table: 'notifications', column: 'delivered_at', days: 90, kind: 'operational-log' },
  { table: 'oauth_connect_states', column: 'created_at', days: 90, kind: 'operational-log' },
] as const satisfies readonly RetentionRule[];

export interface RetentionRule {
  table: string;
  column: string;
  days: number;
  kind: 'jira-raw-responses' | 'operational-log';
}

export type RetentionTable = (typeof RETENTION_RULES)[number]['table'];

export interface RetentionInput {
  /** The clock the cut-offs are computed from (ISO time); the workflow's own time when absent. */
  now?: string;
}

export interface TenantRetentionRequest {
  tenantId: string;
  /** ISO time; every rule's cut-off is this minus its days. */
  now: string;
}

export interface TenantRetentionResult {
  tenantId: string;
  /** Rows removed per table in this run. */
  removed: Record<RetentionTable, number>;
}

export interface RetentionResult {
  now: string;
  tenantsSwept: number;
  removed: Record<RetentionTable, number>;
}

export interface RetentionActivities {
  /** Every customer tenant, for a sweep. */
  listRetentionTenants(): Promise<string[]>;
  /** Deletes one tenant's expired rows in batches under its RLS context and audits the counts; idempotent. */
  purgeExpiredTenantRows(request: TenantRetentionRequest): Promise<TenantRetentionResult>;
}
