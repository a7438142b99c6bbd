import { auditEventHash, type HashedAuditFields } from './audit-event-hash';

export interface ChainedAuditEvent extends HashedAuditFields {
  prevHash: Uint8Array | null;
  hash: Uint8Array;
}

/**
 * altered / missing / misordered / head_mismatch: the events do not form the chain the head names.
 * unsigned_head / forged_head / forged_checkpoint: the head or the checkpoint lacks a valid signature under the
 * tenant's KMS-held key, so it was written outside Custodian (e.g. rewound after deleting the newest events).
 * regressed: the trail no longer holds the head an earlier export recorded (an older signed head was replayed).
 */
export type ChainBreak =
  | 'altered'
  | 'missing'
  | 'misordered'
  | 'head_mismatch'
  | 'unsigned_head'
  | 'forged_head'
  | 'forged_checkpoint'
  | 'regressed';

export type ChainVerification =
  | { ok: true; checkedEvents: number; lastSeq: number; lastHash: string | null; /** the signed head's time, where known */ lastAt?: string | null }
  | { ok: false; brokenSeq: number; reason: ChainBreak; message: string; checkedEvents: number };

/** Where the chain starts: seq 0 with no hash, or a retention checkpoint (last pruned seq and hash). */
export interface ChainStart {
  seq: number;
  hash: Uint8Array | null;
}

/** What the chain's head says it ends with (audit_heads, or the head printed in an export). */
export interface ChainHead {
  seq: number;
  hash: Uint8Array | null;
}

/**
 * Walks events in seq order, recomputing each hash and its link to the previous one, and reports the
 * first break. Works on any async stream, so a database cursor and an export file verify the same way.
 */
export async function verifyAuditChain(
  events: AsyncIterable<ChainedAuditEvent> | Iterable<ChainedAuditEvent>,
  start: ChainStart,
  head?: ChainHead,
): Promise<ChainVerification> {
  let expectedSeq = start.seq + 1;
  let previousHash = start.hash;
  let checked = 0;
  for await (const event of events) {
    if (event.seq !== expectedSeq) {
      const reason: ChainBreak = event.seq > expectedSeq ? 'missing' : 'misordered';
      return broken(expectedSeq, reason, `expected seq ${expectedSeq}, found ${event.seq}`, checked);
    }
    if (!sameBytes(event.prevHash, previousHash)) {
      return broken(event.seq, 'misordered', `event ${event.seq} does not link to event ${event.seq - 1}`, checked);
    }
    if (!sameBytes(auditEventHash(event.prevHash, event), event.hash)) {
      return broken(event.seq, 'altered', `event ${event.seq} does not match its hash`, checked);
    }
    previousHash = event.hash;
    expectedSeq += 1;
    checked += 1;
  }
  const lastSeq = expectedSeq - 1;
  if (head && (head.seq !== lastSeq || !sameBytes(head.hash, previousHash))) {
    const brokenSeq = head.seq > lastSeq ? lastSeq + 1 : head.seq + 1;
    return broken(brokenSeq, head.seq > lastSeq ? 'missing' : 'head_mismatch', `the chain head is at seq ${head.seq}, the events end at ${lastSeq}`, checked);
  }
  return { ok: true, checkedEvents: checked, lastSeq, lastHash: previousHash ? Buffer.from(previousHash).toString('hex') : null };
}

function broken(brokenSeq: number, reason: ChainBreak, message: string, checkedEvents: number): ChainVerification {
  return { ok: false, brokenSeq, reason, message, checkedEvents };
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}
