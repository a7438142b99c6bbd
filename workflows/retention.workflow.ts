import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { RETENTION_RULES, type RetentionActivities, type RetentionInput, type RetentionResult, type RetentionTable } from '../libs/contracts';

// Listing tenants is one quick query.
const { listRetentionTenants } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
// One tenant per call, a heartbeat per batch: a dead worker is noticed within the heartbeat timeout and the
// retry carries on from the heartbeat's counts. Bounded attempts: a tenant that keeps failing fails this run,
// visibly, and the next scheduled run tries again (deleting expired rows twice is impossible, late is harmless).
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
}

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
    const result = await purgeExpiredTenantRows({ tenantId: carry.tenantIds[carry.swept]!, now: carry.now });
    for (const rule of RETENTION_RULES) carry.removed[rule.table] += result.removed[rule.table];
    carry.swept += 1;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof retentionWorkflow>({ carry });
  }
  return { now: carry.now, tenantsSwept: carry.swept, removed: carry.removed };
}
