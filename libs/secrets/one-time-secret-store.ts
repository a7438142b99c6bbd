import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendAuditEvent } from '../audit';
import { dataKeyRowOf, storedDataKeyOf, type DataKeyRow } from '../crypto/data-key-row';
import type { EnvelopeEncryption } from '../crypto/envelope-encryption';
import { Secret } from '../crypto/secret';
import type { TenantScopedDatabase, TenantTransaction } from '../db';

/** How long a one-time secret can be revealed. */
export const ONE_TIME_SECRET_TTL_MS = 24 * 60 * 60 * 1000;

// The tenant part must be a UUID, or looking the token up in that tenant would fail instead of finding nothing.
const TOKEN_PATTERN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export interface StoredOneTimeSecret {
  id: string;
  value: Secret;
  /** When the secret was put to use (Google accepted the password); a retry must not use it again. */
  appliedAt: Date | null;
  /** Made by this call, rather than found from an earlier attempt. */
  created: boolean;
}

export type RevealResult =
  | { kind: 'revealed'; value: Secret; subject: string; purpose: string }
  | { kind: 'gone'; reason: 'already_revealed' | 'expired' }
  | { kind: 'unknown' };

/** What a link's token points at, found without revealing or destroying anything. */
export type LinkState = { kind: 'revealable' } | Extract<RevealResult, { kind: 'gone' | 'unknown' }>;

/**
 * Secrets shown to a person exactly once, within 24 hours. Each is sealed under a data key of its own, bound to
 * tenant, secret and purpose; revealing (or finding it expired) deletes the ciphertext and the data key, so
 * nothing, not even a backup, can show it again. One per workflow: a retried activity gets the same secret.
 * The link token is `<tenant id>.<random>`; only its SHA-256 is stored, and the token itself lives inside the
 * ciphertext, so the ticket's handlers can be shown the link again until it is used.
 */
export class OneTimeSecretStore {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly encryption: EnvelopeEncryption,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * This workflow's secret, created from `generate` the first time it is asked for. One transaction looks for
   * it and, when it is not there, stores the new one; the unique (tenant, workflow) pair makes a concurrent
   * attempt fail instead of storing a second secret, and its retry finds the first.
   */
  async obtain(tenantId: string, workflowId: string, purpose: string, subject: string, generate: () => Secret): Promise<StoredOneTimeSecret> {
    const id = randomUUID();
    const token = `${tenantId}.${randomBytes(32).toString('base64url')}`;
    const value = generate();
    const dataKey = await this.encryption.createDataKey({ tenantId, integrationId: id });
    const ciphertext = await this.encryption.encrypt(JSON.stringify({ value: value.reveal(), token }), { tenantId, integrationId: id, purpose }, dataKey);
    const existing = await this.db.withTenant(tenantId, async (tx) => {
      const found = await tx.oneTimeSecret.findUnique({ where: { tenantId_workflowId: { tenantId, workflowId } }, include: { dataKey: true } });
      if (found) return found;
      await tx.dataKey.create({ data: dataKeyRowOf(dataKey, tenantId, id) });
      await tx.oneTimeSecret.create({
        data: { id, tenantId, workflowId, purpose, subject, tokenHash: hashOf(token), dataKeyId: dataKey.id, ciphertext, expiresAt: new Date(this.now().getTime() + ONE_TIME_SECRET_TTL_MS) },
      });
      await appendAuditEvent(tx, tenantId, { actor: 'system', action: 'secret.created', target: subject, outcome: 'success', details: { secretId: id, purpose, workflowId } });
      return undefined;
    });
    if (!existing) return { id, value, appliedAt: null, created: true };
    // An earlier attempt's secret: the key made for this one was never stored.
    this.encryption.cache.forget(dataKey.id);
    if (!existing.ciphertext || !existing.dataKey) throw new Error(`the one-time secret of ${workflowId} was already revealed or expired`);
    const opened = await this.open(existing as SealedRow);
    return { id: existing.id, value: new Secret(opened.value), appliedAt: existing.appliedAt, created: false };
  }

  /** Records, in the caller's transaction, that the secret was put to use, with the provider's request id. */
  async markApplied(tx: TenantTransaction, id: string, requestId: string | null): Promise<void> {
    await tx.oneTimeSecret.updateMany({ where: { id, appliedAt: null }, data: { appliedAt: this.now(), appliedRequestId: requestId } });
  }

  /** The link token while the secret can still be revealed, for the people handling the ticket. */
  async pendingLink(tenantId: string, id: string): Promise<{ token: string; expiresAt: Date } | undefined> {
    const row = await this.db.withTenant(tenantId, (tx) => tx.oneTimeSecret.findUnique({ where: { id }, include: { dataKey: true } }));
    if (!row?.ciphertext || !row.dataKey || row.revealedAt || row.expiresAt <= this.now()) return undefined;
    const { token } = await this.open(row as SealedRow);
    return { token, expiresAt: row.expiresAt };
  }

  /** Whether the link can still show its secret; reads only, so a link scanner's visit changes nothing. */
  async linkState(token: string): Promise<LinkState> {
    const parsed = TOKEN_PATTERN.exec(token);
    if (!parsed) return { kind: 'unknown' };
    const row = await this.db.withTenant(parsed[1], (tx) => tx.oneTimeSecret.findUnique({ where: { tokenHash: hashOf(token) }, select: { revealedAt: true, ciphertext: true, expiresAt: true } }));
    if (!row) return { kind: 'unknown' };
    if (row.revealedAt) return { kind: 'gone', reason: 'already_revealed' };
    if (!row.ciphertext || row.expiresAt <= this.now()) return { kind: 'gone', reason: 'expired' };
    return { kind: 'revealable' };
  }

  /** Shows the secret once: the first call gets it and destroys it; later calls, or calls after expiry, get "gone". */
  async reveal(token: string, revealedFrom: string): Promise<RevealResult> {
    const parsed = TOKEN_PATTERN.exec(token);
    if (!parsed) return { kind: 'unknown' };
    const tenantId = parsed[1];
    return this.db.withTenant(tenantId, async (tx) => {
      const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM one_time_secrets WHERE token_hash = ${hashOf(token)} FOR UPDATE`;
      if (!locked) return { kind: 'unknown' } as const;
      const row = await tx.oneTimeSecret.findUniqueOrThrow({ where: { id: locked.id }, include: { dataKey: true } });
      if (row.revealedAt) return { kind: 'gone', reason: 'already_revealed' } as const;
      if (!row.ciphertext) return { kind: 'gone', reason: 'expired' } as const;
      if (row.expiresAt <= this.now()) {
        await this.destroy(tx, row, 'secret.expired', revealedFrom);
        return { kind: 'gone', reason: 'expired' } as const;
      }
      const { value } = await this.open(row as SealedRow);
      await this.destroy(tx, row, 'secret.revealed', revealedFrom);
      return { kind: 'revealed', value: new Secret(value), subject: row.subject, purpose: row.purpose } as const;
    });
  }

  /** Destroys this tenant's secrets that expired unread; nothing of them stays to be revealed or restored. */
  async destroyExpired(tenantId: string, actor: string): Promise<number> {
    return this.db.withTenant(tenantId, async (tx) => {
      const expired = await tx.$queryRaw<DestroyableRow[]>`
        SELECT id::text AS id, tenant_id::text AS "tenantId", data_key_id::text AS "dataKeyId", subject, purpose
        FROM one_time_secrets WHERE ciphertext IS NOT NULL AND expires_at <= ${this.now()} FOR UPDATE SKIP LOCKED`;
      for (const row of expired) await this.destroy(tx, row, 'secret.expired', actor);
      return expired.length;
    });
  }

  private async open(row: SealedRow): Promise<{ value: string; token: string }> {
    const plaintext = await this.encryption.decrypt(row.ciphertext, { tenantId: row.tenantId, integrationId: row.id, purpose: row.purpose }, storedDataKeyOf(row.dataKey));
    try {
      return JSON.parse(plaintext.toString('utf8')) as { value: string; token: string };
    } finally {
      plaintext.fill(0);
    }
  }

  private async destroy(tx: TenantTransaction, row: DestroyableRow, action: string, actor: string): Promise<void> {
    const now = this.now();
    await tx.oneTimeSecret.update({ where: { id: row.id }, data: { ciphertext: null, dataKeyId: null, ...(action === 'secret.revealed' ? { revealedAt: now } : {}) } });
    if (row.dataKeyId) {
      await tx.dataKey.delete({ where: { id: row.dataKeyId } });
      this.encryption.cache.forget(row.dataKeyId);
    }
    await appendAuditEvent(tx, row.tenantId, { actor, action, target: row.subject, outcome: 'success', details: { secretId: row.id, purpose: row.purpose } });
  }
}

/** What destroying a secret needs to know of its row. */
interface DestroyableRow {
  id: string;
  tenantId: string;
  dataKeyId: string | null;
  subject: string;
  purpose: string;
}

interface SealedRow {
  id: string;
  tenantId: string;
  purpose: string;
  ciphertext: string;
  dataKey: DataKeyRow;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
