import type { TenantTransaction } from '../db/tenant-scoped-database';

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
}

/**
 * Appends one event inside the caller's tenant transaction, so the event and the change it records commit
 * or roll back together. The database assigns seq (gapless per tenant) and the time.
 */
export async function appendAuditEvent(
  tx: TenantTransaction,
  tenantId: string,
  event: AuditEventInput,
): Promise<AppendedAuditEvent> {
  const details = JSON.stringify(event.details ?? {});
  const [row] = await tx.$queryRaw<{ seq: bigint; at: Date }[]>`
    INSERT INTO audit_events (tenant_id, seq, actor, action, target, outcome, details)
    VALUES (${tenantId}::uuid, 0, ${event.actor}, ${event.action}, ${event.target ?? null}, ${event.outcome}, ${details}::jsonb)
    RETURNING seq, at`;
  if (!row) throw new Error('audit insert returned no row');
  return { seq: Number(row.seq), at: row.at };
}
