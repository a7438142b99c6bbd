import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '../audit';
import { dataKeyRowOf, storedDataKeyOf } from '../crypto/data-key-row';
import type { EnvelopeEncryption } from '../crypto/envelope-encryption';
import { Secret } from '../crypto/secret';
import type { TenantScopedDatabase, TenantTransaction } from '../db';

export type Provider = 'google' | 'jira';

/** An OAuth token set in memory: the tokens are Secrets, so they print as "[redacted]" everywhere. */
export interface TokenSet {
  accessToken: Secret;
  refreshToken: Secret | null;
  expiresAt: Date | null;
  scopes: string[];
}

/** What callers may see of a stored credential: never token material. */
export interface IntegrationView {
  integrationId: string;
  provider: Provider;
  status: 'active' | 'needs_reconsent';
  externalAccount: string;
  scopes: string[];
  accessTokenExpiresAt: string | null;
  updatedAt: string;
}

const PURPOSE = 'oauth-token-set';

/**
 * integration_credentials under envelope encryption: one data key per integration (wrapped by the KMS key,
 * in data_keys), the token set as AES-256-GCM ciphertext bound to tenant, integration and purpose. The
 * decrypted tokens exist only in memory; every write and removal is audited (without the tokens).
 */
export class CredentialStore {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly encryption: EnvelopeEncryption,
  ) {}

  /** Stores (or replaces) a provider's token set for the tenant, reusing the integration's data key. */
  async save(tenantId: string, provider: Provider, externalAccount: string, tokens: TokenSet, actor: string): Promise<IntegrationView> {
    const existing = await this.db.withTenant(tenantId, (tx) =>
      tx.integrationCredential.findUnique({ where: { tenantId_provider: { tenantId, provider } }, include: { dataKey: true } }),
    );
    const integrationId = existing?.id ?? randomUUID();
    const dataKey = existing ? storedDataKeyOf(existing.dataKey) : await this.encryption.createDataKey({ tenantId, integrationId });
    const ciphertext = await this.encryption.encrypt(serialize(tokens), { tenantId, integrationId, purpose: PURPOSE }, dataKey);
    const row = await this.db.withTenant(tenantId, async (tx) => {
      if (!existing) {
        await tx.dataKey.create({ data: dataKeyRowOf(dataKey, tenantId, integrationId) });
      }
      const data = {
        status: 'active',
        externalAccount,
        encryptedTokenSet: ciphertext,
        scopes: tokens.scopes,
        accessTokenExpiresAt: tokens.expiresAt,
        updatedAt: new Date(),
      };
      const saved = await tx.integrationCredential.upsert({
        where: { tenantId_provider: { tenantId, provider } },
        create: { id: integrationId, tenantId, provider, dataKeyId: dataKey.id, ...data },
        update: data,
      });
      await audit(tx, tenantId, actor, existing ? 'integration.credentials_updated' : 'integration.connected', saved.id, { provider, externalAccount, scopes: tokens.scopes });
      return saved;
    });
    return toView(row);
  }

  /** The decrypted token set, or undefined when the tenant has no such integration. */
  async load(tenantId: string, provider: Provider): Promise<{ integration: IntegrationView; tokens: TokenSet } | undefined> {
    const row = await this.db.withTenant(tenantId, (tx) =>
      tx.integrationCredential.findUnique({ where: { tenantId_provider: { tenantId, provider } }, include: { dataKey: true } }),
    );
    if (!row) return undefined;
    const plaintext = await this.encryption.decrypt(row.encryptedTokenSet, { tenantId, integrationId: row.id, purpose: PURPOSE }, storedDataKeyOf(row.dataKey));
    try {
      return { integration: toView(row), tokens: deserialize(plaintext) };
    } finally {
      plaintext.fill(0);
    }
  }

  /**
   * Replaces a token set under the credential row's lock (SELECT ... FOR UPDATE), so across every process one
   * caller at a time decides: `replace` sees the set as stored once the lock is held (another process may just
   * have refreshed it) and returns a new set to store, or undefined to keep it. The new set is committed,
   * encrypted, before this returns, i.e. before anyone can use it. Undefined when nothing is stored.
   */
  async replaceLocked(
    tenantId: string,
    provider: Provider,
    actor: string,
    replace: (stored: { integration: IntegrationView; tokens: TokenSet }) => Promise<TokenSet | undefined>,
  ): Promise<{ integration: IntegrationView; tokens: TokenSet } | undefined> {
    return this.db.withTenant(
      tenantId,
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM integration_credentials WHERE tenant_id = ${tenantId}::uuid AND provider = ${provider} FOR UPDATE`;
        const row = await tx.integrationCredential.findUnique({ where: { tenantId_provider: { tenantId, provider } }, include: { dataKey: true } });
        if (!row) return undefined;
        const dataKey = storedDataKeyOf(row.dataKey);
        const plaintext = await this.encryption.decrypt(row.encryptedTokenSet, { tenantId, integrationId: row.id, purpose: PURPOSE }, dataKey);
        let stored: TokenSet;
        try {
          stored = deserialize(plaintext);
        } finally {
          plaintext.fill(0);
        }
        const replacement = await replace({ integration: toView(row), tokens: stored });
        if (!replacement) return { integration: toView(row), tokens: stored };
        const ciphertext = await this.encryption.encrypt(serialize(replacement), { tenantId, integrationId: row.id, purpose: PURPOSE }, dataKey);
        const saved = await tx.integrationCredential.update({
          where: { id: row.id },
          data: { encryptedTokenSet: ciphertext, scopes: replacement.scopes, accessTokenExpiresAt: replacement.expiresAt, updatedAt: new Date() },
        });
        await audit(tx, tenantId, actor, 'integration.credentials_updated', saved.id, { provider, externalAccount: saved.externalAccount, scopes: replacement.scopes });
        return { integration: toView(saved), tokens: replacement };
      },
      // The provider's token endpoint is called while the lock is held; give it its own timeout's worth.
      { timeoutMs: 30_000 },
    );
  }

  /** What is connected for one provider, without decrypting anything. */
  async view(tenantId: string, provider: Provider): Promise<IntegrationView | undefined> {
    const row = await this.db.withTenant(tenantId, (tx) => tx.integrationCredential.findUnique({ where: { tenantId_provider: { tenantId, provider } } }));
    return row ? toView(row) : undefined;
  }

  async list(tenantId: string): Promise<IntegrationView[]> {
    const rows = await this.db.withTenant(tenantId, (tx) => tx.integrationCredential.findMany({ orderBy: { provider: 'asc' } }));
    return rows.map(toView);
  }

  /** The provider refused the refresh token (invalid_grant): someone must consent again. */
  async markNeedsReconsent(tenantId: string, provider: Provider, actor: string): Promise<void> {
    await this.db.withTenant(tenantId, async (tx) => {
      const updated = await tx.integrationCredential.updateMany({ where: { provider }, data: { status: 'needs_reconsent', updatedAt: new Date() } });
      if (updated.count > 0) await audit(tx, tenantId, actor, 'integration.needs_reconsent', provider, { provider });
    });
  }

  /** Deletes the credential and its data key: the ciphertext (and any backup of it) can no longer be read. */
  async remove(tenantId: string, provider: Provider, actor: string): Promise<boolean> {
    return this.db.withTenant(tenantId, async (tx) => {
      const row = await tx.integrationCredential.findUnique({ where: { tenantId_provider: { tenantId, provider } } });
      if (!row) return false;
      await tx.integrationCredential.delete({ where: { id: row.id } });
      await tx.dataKey.delete({ where: { id: row.dataKeyId } });
      await audit(tx, tenantId, actor, 'integration.disconnected', row.id, { provider, externalAccount: row.externalAccount });
      return true;
    });
  }
}

function audit(tx: TenantTransaction, tenantId: string, actor: string, action: string, target: string, details: Record<string, unknown>) {
  return appendAuditEvent(tx, tenantId, { actor, action, target, outcome: 'success', details });
}

function serialize(tokens: TokenSet): string {
  return JSON.stringify({
    accessToken: tokens.accessToken.reveal(),
    refreshToken: tokens.refreshToken?.reveal() ?? null,
    expiresAt: tokens.expiresAt?.toISOString() ?? null,
    scopes: tokens.scopes,
  });
}

function deserialize(plaintext: Buffer): TokenSet {
  const raw = JSON.parse(plaintext.toString('utf8')) as { accessToken: string; refreshToken: string | null; expiresAt: string | null; scopes: string[] };
  return {
    accessToken: new Secret(raw.accessToken),
    refreshToken: raw.refreshToken === null ? null : new Secret(raw.refreshToken),
    expiresAt: raw.expiresAt === null ? null : new Date(raw.expiresAt),
    scopes: raw.scopes,
  };
}

function toView(row: {
  id: string;
  provider: string;
  status: string;
  externalAccount: string;
  scopes: string[];
  accessTokenExpiresAt: Date | null;
  updatedAt: Date;
}): IntegrationView {
  return {
    integrationId: row.id,
    provider: row.provider as Provider,
    status: row.status as IntegrationView['status'],
    externalAccount: row.externalAccount,
    scopes: row.scopes,
    accessTokenExpiresAt: row.accessTokenExpiresAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}
