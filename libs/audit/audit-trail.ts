import type { AuditEvent } from '../db/generated/client';
import type { TenantScopedDatabase } from '../db/tenant-scoped-database';
import { verifyAuditChain, type ChainedAuditEvent, type ChainVerification } from './audit-chain-verifier';

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
  checkpoint: { seq: number; hash: string; prunedBefore: string } | null;
}

const PAGE = 1000;

/** Reading the trail back: verification, exports and listings, always inside the tenant's context. */
export class AuditTrail {
  constructor(private readonly db: TenantScopedDatabase) {}

  async head(tenantId: string): Promise<AuditChainHead> {
    return this.db.withTenant(tenantId, async (tx) => {
      const head = await tx.auditHead.findUnique({ where: { tenantId } });
      const checkpoint = await tx.auditCheckpoint.findFirst({ orderBy: { seq: 'desc' } });
      return {
        lastSeq: Number(head?.lastSeq ?? 0),
        lastHash: head?.lastHash ? Buffer.from(head.lastHash).toString('hex') : null,
        checkpoint: checkpoint
          ? { seq: Number(checkpoint.seq), hash: Buffer.from(checkpoint.hash).toString('hex'), prunedBefore: checkpoint.prunedBefore.toISOString() }
          : null,
      };
    });
  }

  /** Recomputes the whole chain (from the latest retention checkpoint) against the head. */
  async verify(tenantId: string): Promise<ChainVerification> {
    const head = await this.head(tenantId);
    const start = head.checkpoint
      ? { seq: head.checkpoint.seq, hash: Buffer.from(head.checkpoint.hash, 'hex') }
      : { seq: 0, hash: null };
    return verifyAuditChain(this.events(tenantId, {}, head.lastSeq), start, {
      seq: head.lastSeq,
      hash: head.lastHash ? Buffer.from(head.lastHash, 'hex') : null,
    });
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

  async recent(tenantId: string, limit: number): Promise<AuditEventRecord[]> {
    const rows = await this.db.withTenant(tenantId, (tx) =>
      tx.auditEvent.findMany({ orderBy: { seq: 'desc' }, take: limit }),
    );
    return rows.map(toRecord);
  }
}

function toRecord(row: AuditEvent): AuditEventRecord {
  return { ...row, seq: Number(row.seq), details: row.details as Record<string, unknown> };
}
