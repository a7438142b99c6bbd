import { auditHeadSignerOf, type TenantTransaction } from '../db/tenant-scoped-database';
import type { AuditSql } from './audit-head-signer';
import { auditEventHash } from './audit-event-hash';
import { canonicalJson } from './canonical-json';

export type AuditOutcome = 'success' | 'failure' | 'denied' | 'pending';

export interface AuditEventInput {
  /** Who acted: "api-key:<name>", "operator:<name>", "workflow:<type>". */
  actor: string;
  /** Dotted verb, e.g. ticket.created. */
  action: string;
  target?: string;
  outcome: AuditOutcome;
  /** Never secrets: identifiers, counts, provider request ids. */
  details?: Record<string, unknown>;
}

export interface AppendedAuditEvent {
  seq: number;
  at: Date;
  hash: Buffer;
}

/**
 * Appends one event inside the caller's tenant transaction, so the event and the change it records commit
 * or roll back together. Locking the tenant's chain head first makes concurrent writers queue: seq stays
 * gapless and every event links to exactly the one before it. The new head is signed (HMAC under the
 * tenant's KMS-held key) in the same transaction; the database refuses to commit a head left unsigned.
 */
export async function appendAuditEvent(
  tx: TenantTransaction,
  tenantId: string,
  event: AuditEventInput,
): Promise<AppendedAuditEvent> {
  const details = event.details ?? {};
  // Round-trip through canonical JSON now, so what is hashed is exactly what jsonb will give back.
  const storedDetails = JSON.parse(canonicalJson(details)) as Record<string, unknown>;
  const [head] = await tx.$queryRaw<{ last_seq: bigint; last_hash: Uint8Array | null; event_at: Date }[]>`
    SELECT last_seq, last_hash, event_at FROM audit_lock_head(${tenantId}::uuid)`;
  if (!head) throw new Error('audit head could not be locked');
  const seq = Number(head.last_seq) + 1;
  const target = event.target ?? null;
  const hash = auditEventHash(head.last_hash, {
    tenantId,
    seq,
    actor: event.actor,
    action: event.action,
    target,
    outcome: event.outcome,
    details: storedDetails,
    at: head.event_at,
  });
  await tx.$executeRaw`
    INSERT INTO audit_events (tenant_id, seq, actor, action, target, outcome, details, at, prev_hash, hash)
    VALUES (${tenantId}::uuid, ${seq}, ${event.actor}, ${event.action}, ${target}, ${event.outcome},
            ${JSON.stringify(storedDetails)}::jsonb, ${head.event_at}, ${head.last_hash}, ${hash})`;
  const signer = auditHeadSignerOf(tx);
  if (!signer) throw new Error('audit events are appended inside TenantScopedDatabase.withTenant, which signs the chain head');
  const mac = await signer.headMac(transactionSql(tx), { tenantId, seq, hash, at: head.event_at });
  await tx.$executeRaw`SELECT audit_sign_head(${tenantId}::uuid, ${seq}::bigint, ${mac})`;
  return { seq, at: head.event_at, hash };
}

/** A Prisma transaction as the signer's SQL runner. */
export function transactionSql(tx: TenantTransaction): AuditSql {
  return (sql, params) => tx.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params);
}
