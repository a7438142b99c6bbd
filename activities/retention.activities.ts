import { ApplicationFailure, Context } from '@temporalio/activity';
import { appendAuditEventOnce, prepareAuditAppend } from '../libs/audit';
import { RETENTION_RULES, type RetentionActivities, type RetentionTable, type TenantRetentionRequest, type TenantRetentionResult } from '../libs/contracts';
import { DecryptionFailedError } from '../libs/crypto/decryption-failed-error';
import type { TenantScopedDatabase } from '../libs/db';
import { Prisma } from '../libs/db/generated/client';
import { customerTenantIds } from '../libs/security/customer-tenants';

export interface RetentionActivityDependencies {
  db: TenantScopedDatabase;
  /** Rows per delete statement; small enough that no batch holds locks for long. */
  retentionBatchSize?: number;
}

const ACTOR = 'system:retention';
const DEFAULT_BATCH_SIZE = 1000;
const DAY_MS = 86_400_000;

/** What a retried attempt carries on from: the rule it was at and what it had removed (heartbeat details). */
interface RetentionProgress {
  ruleIndex: number;
  removed: Record<RetentionTable, number>;
}

export function createRetentionActivities({ db, retentionBatchSize = DEFAULT_BATCH_SIZE }: RetentionActivityDependencies): RetentionActivities {
  return {
    listRetentionTenants: () => customerTenantIds(db.prisma),

    async purgeExpiredTenantRows(request) {
      try {
        return await purge(db, retentionBatchSize, request);
      } catch (error) {
        // The tenant's audit signing key will not unwrap under this key file (a KEK version it lacks or has
        // retired): no retry within this run can change that, only an operator can.
        if (error instanceof DecryptionFailedError) throw ApplicationFailure.nonRetryable(error.message, 'DecryptionFailedError');
        throw error;
      }
    },
  };
}

/** One tenant's sweep: each rule's expired rows in batches, then one audit event with the counts. */
async function purge(db: TenantScopedDatabase, retentionBatchSize: number, { tenantId, now }: TenantRetentionRequest): Promise<TenantRetentionResult> {
  const context = Context.current();
  const asOf = new Date(now);
  const carried = context.info.heartbeatDetails as RetentionProgress | undefined;
  const progress: RetentionProgress = carried ?? { ruleIndex: 0, removed: zeroCounts() };
  // Nothing is removed unless its removal can be audited: the tenant's signing key must unwrap first.
  await db.withTenant(tenantId, (tx) => prepareAuditAppend(tx, tenantId));
  for (; progress.ruleIndex < RETENTION_RULES.length; progress.ruleIndex += 1) {
    const rule = RETENTION_RULES[progress.ruleIndex]!;
    const cutoff = new Date(asOf.getTime() - rule.days * DAY_MS);
    // Each batch is its own transaction under the tenant's RLS context; the heartbeat after it records the
    // count, so a retry neither deletes twice (the rows are gone) nor forgets what it removed.
    for (;;) {
      const deleted = await db.withTenant(tenantId, (tx) =>
        tx.$executeRaw`
          DELETE FROM ${Prisma.raw(rule.table)} WHERE ctid IN (
            SELECT ctid FROM ${Prisma.raw(rule.table)}
            WHERE tenant_id = ${tenantId}::uuid AND ${Prisma.raw(rule.column)} < ${cutoff}
            LIMIT ${retentionBatchSize})`,
      );
      progress.removed[rule.table] += deleted;
      context.heartbeat(progress);
      if (deleted < retentionBatchSize) break;
    }
  }
  // Counts only: what expired, never which rows or what they held.
  await db.withTenant(tenantId, (tx) =>
    appendAuditEventOnce(tx, tenantId, `retention/${now}`, {
      actor: ACTOR,
      action: 'retention.expired_rows_deleted',
      target: tenantId,
      outcome: 'success',
      details: {
        asOf: now,
        removed: progress.removed,
        total: Object.values(progress.removed).reduce((sum, rows) => sum + rows, 0),
        retentionDays: Object.fromEntries(RETENTION_RULES.map((rule) => [rule.table, rule.days])),
      },
    }),
  );
  return { tenantId, removed: progress.removed };
}

function zeroCounts(): Record<RetentionTable, number> {
  return Object.fromEntries(RETENTION_RULES.map((rule) => [rule.table, 0])) as Record<RetentionTable, number>;
}
