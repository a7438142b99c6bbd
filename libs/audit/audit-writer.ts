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

/** The tenant's chain head as audit_lock_head() returns it, locked by the caller's transaction until it ends. */
export interface LockedAuditHead {
  last_seq: bigint;
  last_hash: Uint8Array | null;
  event_at: Date;
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
  await prepareAuditAppend(tx, tenantId);
  return appendAuditEventAtHead(tx, tenantId, await lockAuditHead(tx, tenantId), event);
}

/** Locks the tenant's chain head (creating it on the first event) until the transaction ends, and reads it. */
export async function lockAuditHead(tx: TenantTransaction, tenantId: string): Promise<LockedAuditHead> {
  const [head] = await tx.$queryRaw<LockedAuditHead[]>`
    SELECT last_seq, last_hash, event_at FROM audit_lock_head(${tenantId}::uuid)`;
  if (!head) throw new Error('audit head could not be locked');
  return head;
}

/**
 * Readies the tenant's signing key (its row read, or created on the first event; its plaintext unwrapped by the
 * KMS into the cache) before any lock is taken, so the signature made while the head is locked costs neither a
 * query nor a KMS call. Free when the key is cached already.
 */
export function prepareAuditAppend(tx: TenantTransaction, tenantId: string): Promise<void> {
  return signerOf(tx).prepare(transactionSql(tx), tenantId);
}

/**
 * Appends one event to a head the caller's transaction has just locked with audit_lock_head() (for instance in
 * the statement that wrote the change the event records), and signs the new head, in one statement.
 */
export async function appendAuditEventAtHead(
  tx: TenantTransaction,
  tenantId: string,
  head: LockedAuditHead,
  event: AuditEventInput,
): Promise<AppendedAuditEvent> {
  // Round-trip through canonical JSON now, so what is hashed is exactly what jsonb will give back.
  const storedDetails = JSON.parse(canonicalJson(event.details ?? {})) as Record<string, unknown>;
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
  const mac = await signerOf(tx).headMac(transactionSql(tx), { tenantId, seq, hash, at: head.event_at });
  await tx.$executeRaw`
    SELECT audit_append_signed(${tenantId}::uuid, ${seq}::bigint, ${event.actor}, ${event.action}, ${target}, ${event.outcome},
                               ${JSON.stringify(storedDetails)}::jsonb, ${head.event_at}::timestamptz, ${head.last_hash}, ${hash}, ${mac})`;
  return { seq, at: head.event_at, hash };
}

function signerOf(tx: TenantTransaction) {
  const signer = auditHeadSignerOf(tx);
  if (!signer) throw new Error('audit events are appended inside TenantScopedDatabase.withTenant, which signs the chain head');
  return signer;
}

/** A Prisma transaction as the signer's SQL runner. */
export function transactionSql(tx: TenantTransaction): AuditSql {
  return (sql, params) => tx.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params);
}
