import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataKeyCache } from '../crypto/data-key-cache';
import { DataKeyUnwrapper, type WrappedDataKeyRef } from '../crypto/data-key-unwrapper';
import type { EncryptionContext } from '../crypto/encryption-context';
import type { KeyProvider } from '../crypto/key-provider';
import { canonicalJson } from './canonical-json';

/**
 * Names the audit signing key among a tenant's data keys (data_keys.integration_id). Its KMS context is
 * { tenantId, integrationId: this }, so a key wrapped for one tenant does not unwrap for another.
 */
export const AUDIT_SIGNING_KEY_ID = 'a0d17000-5160-4000-8000-00000000a0d1';

/** A chain head: the last event's seq, hash and time. */
export interface SignedHeadFields {
  tenantId: string;
  seq: number;
  hash: Uint8Array;
  at: Date;
}

/** A retention checkpoint: where the pruned part of the chain ended, and what was pruned. */
export interface SignedCheckpointFields {
  tenantId: string;
  seq: number;
  hash: Uint8Array;
  prunedBefore: Date;
  prunedCount: number;
}

/** One SQL statement with positional parameters: a Prisma transaction's or a pg client's. */
export type AuditSql = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

interface KeyRow extends WrappedDataKeyRef {
  expiresAt: number;
}

/**
 * HMAC-SHA256 of chain heads and checkpoints under a per-tenant key held by the KMS: a data key from the
 * KeyProvider, stored only wrapped (data_keys, like the credentials' keys), unwrapped into a bounded,
 * expiring cache. Whoever can write the database but not use the KMS cannot sign a rewound head, so cutting
 * off the newest events shows. The key row of a tenant is remembered as long as its plaintext is cached,
 * which leaves one statement (the signature's) per append on the warm path.
 */
export class AuditHeadSigner {
  private readonly keys: DataKeyUnwrapper;
  private readonly rows = new Map<string, KeyRow>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly provider: KeyProvider,
    options: { ttlMs?: number; maxTenants?: number; now?: () => number } = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
    this.keys = new DataKeyUnwrapper(provider, new DataKeyCache({ maxEntries: options.maxTenants ?? 1000, ttlMs: this.ttlMs, now: this.now }));
  }

  /** The head's MAC, creating the tenant's signing key on its first signature. */
  headMac(sql: AuditSql, head: SignedHeadFields): Promise<Buffer> {
    return this.mac(sql, head.tenantId, headMessage(head), true);
  }

  /**
   * Makes the tenant's next signature free of I/O: its key row read (or created) and its plaintext unwrapped
   * into the cache, so a writer can do this before it locks the head rather than while holding the lock.
   */
  async prepare(sql: AuditSql, tenantId: string): Promise<void> {
    const row = await this.keyRow(sql, tenantId, true);
    await this.keys.withKey(row, contextOf(tenantId), () => undefined);
  }

  checkpointMac(sql: AuditSql, checkpoint: SignedCheckpointFields): Promise<Buffer> {
    return this.mac(sql, checkpoint.tenantId, checkpointMessage(checkpoint), true);
  }

  /** False when the MAC is missing or wrong, or the tenant has no signing key to check it with. */
  async verifyHead(sql: AuditSql, head: SignedHeadFields, mac: Uint8Array | null): Promise<boolean> {
    return this.verify(sql, head.tenantId, headMessage(head), mac);
  }

  async verifyCheckpoint(sql: AuditSql, checkpoint: SignedCheckpointFields, mac: Uint8Array | null): Promise<boolean> {
    return this.verify(sql, checkpoint.tenantId, checkpointMessage(checkpoint), mac);
  }

  private async verify(sql: AuditSql, tenantId: string, message: string, mac: Uint8Array | null): Promise<boolean> {
    if (!mac) return false;
    const expected = await this.mac(sql, tenantId, message, false).catch((error: unknown) => {
      if (error instanceof MissingSigningKeyError) return undefined;
      throw error;
    });
    return expected !== undefined && expected.length === mac.length && timingSafeEqual(expected, Buffer.from(mac));
  }

  private async mac(sql: AuditSql, tenantId: string, message: string, create: boolean): Promise<Buffer> {
    const row = await this.keyRow(sql, tenantId, create);
    return this.keys.withKey(row, contextOf(tenantId), (key) => createHmac('sha256', key).update(message, 'utf8').digest());
  }

  private async keyRow(sql: AuditSql, tenantId: string, create: boolean): Promise<WrappedDataKeyRef> {
    const cached = this.rows.get(tenantId);
    if (cached && cached.expiresAt > this.now()) return cached;
    let found = await readKeyRow(sql, tenantId);
    if (!found) {
      if (!create) throw new MissingSigningKeyError(tenantId);
      found = await this.createKeyRow(sql, tenantId);
    }
    this.rows.set(tenantId, { ...found, expiresAt: this.now() + this.ttlMs });
    return found;
  }

  /** Concurrent first signatures of one tenant converge on one row (the loser reads the winner's). */
  private async createKeyRow(sql: AuditSql, tenantId: string): Promise<WrappedDataKeyRef> {
    const generated = await this.provider.generateDataKey(contextOf(tenantId));
    try {
      const id = randomUUID();
      const inserted = await sql(
        `INSERT INTO data_keys (id, tenant_id, integration_id, kek_id, kek_version, wrapped_key)
         VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6)
         ON CONFLICT (tenant_id, integration_id) DO NOTHING RETURNING id`,
        [id, tenantId, AUDIT_SIGNING_KEY_ID, generated.kekId, generated.kekVersion, generated.wrappedKey],
      );
      if (inserted.length === 1) {
        this.keys.cache.set(id, contextOf(tenantId), generated.plaintextKey);
        return { id, wrappedKey: generated.wrappedKey };
      }
    } finally {
      generated.plaintextKey.fill(0);
    }
    const winner = await readKeyRow(sql, tenantId);
    if (!winner) throw new MissingSigningKeyError(tenantId);
    return winner;
  }
}

class MissingSigningKeyError extends Error {
  override name = 'MissingSigningKeyError';
  constructor(tenantId: string) {
    super(`tenant ${tenantId} has no audit signing key`);
  }
}

async function readKeyRow(sql: AuditSql, tenantId: string): Promise<WrappedDataKeyRef | undefined> {
  const [row] = await sql('SELECT id::text AS id, wrapped_key FROM data_keys WHERE tenant_id = $1::uuid AND integration_id = $2::uuid', [
    tenantId,
    AUDIT_SIGNING_KEY_ID,
  ]);
  return row ? { id: row.id as string, wrappedKey: Buffer.from(row.wrapped_key as Uint8Array) } : undefined;
}

function contextOf(tenantId: string): EncryptionContext {
  return { tenantId, integrationId: AUDIT_SIGNING_KEY_ID };
}

function headMessage(head: SignedHeadFields): string {
  return canonicalJson(['custodian/audit-head/v1', head.tenantId, head.seq, Buffer.from(head.hash).toString('hex'), head.at.toISOString()]);
}

function checkpointMessage(checkpoint: SignedCheckpointFields): string {
  return canonicalJson([
    'custodian/audit-checkpoint/v1',
    checkpoint.tenantId,
    checkpoint.seq,
    Buffer.from(checkpoint.hash).toString('hex'),
    checkpoint.prunedBefore.toISOString(),
    checkpoint.prunedCount,
  ]);
}
