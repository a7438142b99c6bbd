import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The fields an event's hash covers: everything it says, including which tenant and position. */
export interface HashedAuditFields {
  tenantId: string;
  seq: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  details: unknown;
  at: Date;
}

/** hash = SHA-256(prev_hash || canonical JSON of the event); the first event of a chain has no prev_hash. */
export function auditEventHash(prevHash: Uint8Array | null, event: HashedAuditFields): Buffer {
  const hash = createHash('sha256');
  if (prevHash) hash.update(prevHash);
  hash.update(
    canonicalJson({
      tenantId: event.tenantId,
      seq: event.seq,
      actor: event.actor,
      action: event.action,
      target: event.target,
      outcome: event.outcome,
      details: event.details,
      at: event.at.toISOString(),
    }),
    'utf8',
  );
  return hash.digest();
}
