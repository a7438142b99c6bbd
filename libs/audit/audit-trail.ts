import type { AuditEvent } from '../db/generated/client';
import type { TenantScopedDatabase } from '../db/tenant-scoped-database';
import { verifyAuditChain, type ChainedAuditEvent, type ChainVerification } from './audit-chain-verifier';
import { transactionSql } from './audit-writer';

export interface AuditEventRecord extends ChainedAuditEvent {
  details: Record<string, unknown>;
}

export interface AuditFilter {
  from?: Date;
  to?: Date;
  actions?: string[];
}

export interface AuditChainHead {
  lastSeq: number;
  lastHash: string | null;
  /** The last event's time: part of what the head's signature covers. */
  lastAt: string | null;
  /** HMAC of (tenant, lastSeq, lastHash, lastAt) under the tenant's KMS-held key; null before the first event. */
  signature: string | null;
  checkpoint: { seq: number; hash: string; prunedBefore: string; prunedCount: number; signature: string | null } | null;
}

interface HeadRow {
  last_seq: bigint;
  last_hash: Uint8Array | null;
  last_at: Date | null;
  signed_seq: bigint | null;
  head_mac: Uint8Array | null;
}

interface CheckpointRow {
  seq: bigint;
  hash: Uint8Array;
  pruned_before: Date;
  pruned_count: bigint;
  mac: Uint8Array | null;
}

const PAGE = 1000;

/** Reading the trail back: verification, exports and listings, always inside the tenant's context. */
export class AuditTrail {
  constructor(private readonly db: TenantScopedDatabase) {}

  async head(tenantId: string): Promise<AuditChainHead> {
    return this.db.withTenant(tenantId, async (tx) => {
      const [head] = await tx.$queryRaw<HeadRow[]>`
        SELECT last_seq, last_hash, last_at, signed_seq, head_mac FROM audit_heads WHERE tenant_id = ${tenantId}::uuid`;
      const [checkpoint] = await tx.$queryRaw<CheckpointRow[]>`
        SELECT seq, hash, pruned_before, pruned_count, mac FROM audit_checkpoints WHERE tenant_id = ${tenantId}::uuid ORDER BY seq DESC LIMIT 1`;
      const signed = head?.head_mac && head.signed_seq === head.last_seq;
      return {
        lastSeq: Number(head?.last_seq ?? 0),
        lastHash: hexOrNull(head?.last_hash),
        lastAt: head?.last_at?.toISOString() ?? null,
        signature: signed ? hexOrNull(head.head_mac) : null,
        checkpoint: checkpoint
          ? {
              seq: Number(checkpoint.seq),
              hash: Buffer.from(checkpoint.hash).toString('hex'),
              prunedBefore: checkpoint.pruned_before.toISOString(),
              prunedCount: Number(checkpoint.pruned_count),
              signature: hexOrNull(checkpoint.mac),
            }
          : null,
      };
    });
  }

  /**
   * Checks the head's and the checkpoint's signatures (HMAC under the tenant's KMS-held key), then recomputes
   * the whole chain from the checkpoint to the signed head. A head rewound past deleted events, or a forged
   * checkpoint, fails its signature: only a process holding the KMS key can sign.
   */
  async verify(tenantId: string): Promise<ChainVerification> {
    const head = await this.head(tenantId);
    const signatureProblem = await this.signatureProblem(tenantId, head);
    if (signatureProblem) return signatureProblem;
    const start = head.checkpoint
      ? { seq: head.checkpoint.seq, hash: Buffer.from(head.checkpoint.hash, 'hex') }
      : { seq: 0, hash: null };
    const result = await verifyAuditChain(this.events(tenantId, {}, head.lastSeq), start, {
      seq: head.lastSeq,
      hash: head.lastHash ? Buffer.from(head.lastHash, 'hex') : null,
    });
    // The time of the signed head: an old head replayed with the events before it shows its age here.
    return result.ok ? { ...result, lastAt: head.lastAt } : result;
  }

  /** Events in seq order, page by page, up to a seq (so writers appending meanwhile do not move the end). */
  async *events(tenantId: string, filter: AuditFilter, untilSeq?: number): AsyncGenerator<AuditEventRecord> {
    let after = BigInt(-1);
    for (;;) {
      const rows = await this.db.withTenant(tenantId, (tx) =>
        tx.auditEvent.findMany({
          where: {
            seq: { gt: after, ...(untilSeq !== undefined ? { lte: BigInt(untilSeq) } : {}) },
            ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
            ...(filter.actions?.length ? { action: { in: filter.actions } } : {}),
          },
          orderBy: { seq: 'asc' },
          take: PAGE,
        }),
      );
      yield* rows.map(toRecord);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  /**
   * Whether the trail still holds the head an earlier export recorded: the event at that seq with that hash, or
   * a retention checkpoint past it. A signature cannot tell a replayed older head (an old backup restored) from
   * the current one; an auditor's earlier export can.
   */
  async regressionFrom(tenantId: string, earlier: { lastSeq: number; lastHash: string | null }): Promise<ChainVerification | undefined> {
    if (earlier.lastSeq === 0) return undefined;
    const head = await this.head(tenantId);
    if (head.checkpoint && head.checkpoint.seq >= earlier.lastSeq) return undefined;
    const [event] = await this.db.withTenant(tenantId, (tx) =>
      tx.$queryRaw<{ hash: Uint8Array }[]>`SELECT hash FROM audit_events WHERE tenant_id = ${tenantId}::uuid AND seq = ${earlier.lastSeq}`,
    );
    if (head.lastSeq >= earlier.lastSeq && event && hexOrNull(event.hash) === earlier.lastHash) return undefined;
    return {
      ok: false,
      brokenSeq: earlier.lastSeq,
      reason: 'regressed',
      message: `the earlier export's head (seq ${earlier.lastSeq}) is not in the trail any more: it now ends at seq ${head.lastSeq}${event ? ' with another event at that seq' : ''}`,
      checkedEvents: 0,
    };
  }

  /** Whether the head and checkpoint carry valid signatures; the failure to report when not. */
  async signatureProblem(tenantId: string, head: AuditChainHead): Promise<ChainVerification | undefined> {
    return this.db.withTenant(tenantId, async (tx) => {
      const sql = transactionSql(tx);
      if (head.lastSeq > 0) {
        const fields = { tenantId, seq: head.lastSeq, hash: bytes(head.lastHash), at: new Date(head.lastAt ?? 0) };
        if (!head.signature) {
          return unsigned(head.lastSeq, 'unsigned_head', `the chain head (seq ${head.lastSeq}) carries no signature: it was written or rewound outside Custodian`);
        }
        if (!(await this.db.auditHeads.verifyHead(sql, fields, bytes(head.signature)))) {
          return unsigned(head.lastSeq, 'forged_head', `the chain head (seq ${head.lastSeq}) does not match its signature: the head was rewritten outside Custodian, and events after it may have been deleted`);
        }
      }
      const checkpoint = head.checkpoint;
      if (checkpoint) {
        const fields = { tenantId, seq: checkpoint.seq, hash: bytes(checkpoint.hash), prunedBefore: new Date(checkpoint.prunedBefore), prunedCount: checkpoint.prunedCount };
        if (!(await this.db.auditHeads.verifyCheckpoint(sql, fields, checkpoint.signature ? bytes(checkpoint.signature) : null))) {
          return unsigned(checkpoint.seq, 'forged_checkpoint', `the retention checkpoint at seq ${checkpoint.seq} is not signed by Custodian: events before it were deleted outside the retention job`);
        }
      }
      return undefined;
    });
  }

  async recent(tenantId: string, limit: number): Promise<AuditEventRecord[]> {
    const rows = await this.db.withTenant(tenantId, (tx) =>
      tx.auditEvent.findMany({ orderBy: { seq: 'desc' }, take: limit }),
    );
    return rows.map(toRecord);
  }
}

function hexOrNull(value: Uint8Array | null | undefined): string | null {
  return value ? Buffer.from(value).toString('hex') : null;
}

function bytes(hex: string | null): Buffer {
  return Buffer.from(hex ?? '', 'hex');
}

function unsigned(brokenSeq: number, reason: 'unsigned_head' | 'forged_head' | 'forged_checkpoint', message: string): ChainVerification {
  return { ok: false, brokenSeq, reason, message, checkedEvents: 0 };
}

function toRecord(row: AuditEvent): AuditEventRecord {
  return { ...row, seq: Number(row.seq), details: row.details as Record<string, unknown> };
}
