import type { TenantTransaction } from '../db/tenant-scoped-database';
import { appendAuditEventAtHead, lockAuditHead, prepareAuditAppend, type AuditEventInput } from './audit-writer';

/**
 * Appends the event unless an event with the same key was already appended for this tenant: for activities,
 * whose retries must not record one step twice. The key is stored as details.eventKey. Taking the chain head
 * lock first makes the look-up and the append one step for concurrent writers.
 */
export async function appendAuditEventOnce(
  tx: TenantTransaction,
  tenantId: string,
  eventKey: string,
  event: AuditEventInput,
): Promise<{ seq: number; appended: boolean }> {
  // The signing key is readied before the lock, and one lock serves the look-up and the append: two statements
  // hold the head, where there were four.
  await prepareAuditAppend(tx, tenantId);
  const head = await lockAuditHead(tx, tenantId);
  const [existing] = await tx.$queryRaw<{ seq: bigint }[]>`
    SELECT seq FROM audit_events
    WHERE tenant_id = ${tenantId}::uuid AND details ? 'eventKey' AND details ->> 'eventKey' = ${eventKey}
    LIMIT 1`;
  if (existing) return { seq: Number(existing.seq), appended: false };
  const appended = await appendAuditEventAtHead(tx, tenantId, head, { ...event, details: { ...event.details, eventKey } });
  return { seq: appended.seq, appended: true };
}
