import { ActivityFailure, ApplicationFailure, continueAsNew, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { RETENTION_RULES, type RetentionActivities, type RetentionInput, type RetentionResult, type RetentionTable } from '../libs/contracts';

// Listing tenants is one quick query.
const { listRetentionTenants } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
// One tenant per call, a heartbeat per batch: a dead worker is noticed within the heartbeat timeout and the
// retry carries on from the heartbeat's counts. Bounded attempts: a tenant that keeps failing is passed over so
// the others are still swept, and fails this run, visibly, at its end; the next scheduled run tries it again
// (deleting expired rows twice is impossible, late is harmless).
const { purgeExpiredTenantRows } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8 },
});

/** Carried over continue-as-new in a sweep of many tenants. */
interface RetentionCarry {
  now: string;
  tenantIds: string[];
  swept: number;
  removed: Record<RetentionTable, number>;
  /** Tenants whose purge failed after its retries; absent in runs begun before they were passed over. */
  failedTenantIds?: string[];
}

/** How many failed tenants the run's failure names; the count covers the rest. */
const NAMED_FAILURES = 20;

/**
 * Run by a Schedule: deletes every customer tenant's rows past their retention (RETENTION_RULES), tenant by
 * tenant under each tenant's row-level security, and audits the counts in each tenant's trail. One clock for the
 * whole sweep, so every tenant is cut off at the same instant.
 */
export async function retentionWorkflow(input: RetentionInput & { carry?: RetentionCarry } = {}): Promise<RetentionResult> {
  const carry: RetentionCarry = input.carry ?? {
    now: input.now ?? new Date(Date.now()).toISOString(),
    tenantIds: await listRetentionTenants(),
    swept: 0,
    removed: Object.fromEntries(RETENTION_RULES.map((rule) => [rule.table, 0])) as Record<RetentionTable, number>,
  };
  while (carry.swept < carry.tenantIds.length) {
    const tenantId = carry.tenantIds[carry.swept]!;
    try {
      const result = await purgeExpiredTenantRows({ tenantId, now: carry.now });
      for (const rule of RETENTION_RULES) carry.removed[rule.table] += result.removed[rule.table];
    } catch (error) {
      if (!(error instanceof ActivityFailure) || !patched('retention-passes-over-a-failing-tenant')) throw error;
      carry.failedTenantIds = [...(carry.failedTenantIds ?? []), tenantId];
    }
    carry.swept += 1;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof retentionWorkflow>({ carry });
  }
  const failed = carry.failedTenantIds ?? [];
  if (failed.length > 0) {
    const named = failed.slice(0, NAMED_FAILURES).join(', ') + (failed.length > NAMED_FAILURES ? ', …' : '');
    throw ApplicationFailure.nonRetryable(
      `retention failed for ${failed.length} of ${carry.tenantIds.length} tenants (${named}); the others were swept`,
      'RetentionIncomplete',
      { now: carry.now, tenantsSwept: carry.swept - failed.length, removed: carry.removed, failedTenantIds: failed },
    );
  }
  return { now: carry.now, tenantsSwept: carry.swept, removed: carry.removed };
}
