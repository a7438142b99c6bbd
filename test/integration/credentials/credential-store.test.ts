import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { Client as PgClient } from 'pg';
import { AUDIT_SIGNING_KEY_ID } from '../../../libs/audit/audit-head-signer';
import { CredentialStore, type TokenSet } from '../../../libs/connectors/credential-store';
import { DecryptionFailedError, EnvelopeEncryption, KeyVersionInUseError, LocalKeyProvider, Secret } from '../../../libs/crypto';
import { retireKeyVersion, rewrapDataKeys } from '../../../libs/crypto/kek-rotation';
import { TenantScopedDatabase, type PrismaClient } from '../../../libs/db';
import { appPrisma, insertTenant, ownerConnection, ownerQueryAsTenant, superuserConnection, testEnv } from '../../support/test-environment';

describe('credential store: envelope-encrypted OAuth tokens in PostgreSQL', () => {
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let keyDir: string;
  let provider: LocalKeyProvider;
  let store: CredentialStore;

  const tokens = (access: string, refresh: string): TokenSet => ({
    accessToken: new Secret(access),
    refreshToken: new Secret(refresh),
    expiresAt: new Date('2030-01-01T00:00:00.000Z'),
    scopes: ['https://www.googleapis.com/auth/admin.directory.user'],
  });

  beforeAll(async () => {
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    keyDir = await mkdtemp(join(tmpdir(), 'custodian-keys-'));
    provider = new LocalKeyProvider({ path: join(keyDir, 'kek.json') });
    store = new CredentialStore(db, new EnvelopeEncryption(provider));
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await owner.end();
    await rm(keyDir, { recursive: true, force: true });
  });

  it('stores only ciphertext, reads the tokens back, and never shows them in views or printouts', async () => {
    const tenantId = await insertTenant(owner);
    const view = await store.save(tenantId, 'google', 'acme.example', tokens('ya29.ACCESS-one', '1//REFRESH-one'), 'test');
    expect(JSON.stringify(view)).not.toMatch(/ACCESS|REFRESH/);
    const { rows } = await ownerQueryAsTenant(owner, tenantId, 'SELECT row_to_json(c)::text AS row FROM integration_credentials c');
    const keys = await ownerQueryAsTenant(owner, tenantId, 'SELECT row_to_json(k)::text AS row FROM data_keys k WHERE tenant_id = $1', [tenantId]);
    expect(rows[0].row + keys.rows[0].row).not.toMatch(/ACCESS-one|REFRESH-one/);

    const loaded = await store.load(tenantId, 'google');
    expect(loaded!.tokens.accessToken.reveal()).toBe('ya29.ACCESS-one');
    expect(loaded!.tokens.refreshToken!.reveal()).toBe('1//REFRESH-one');
    expect(`${loaded!.tokens.accessToken} ${JSON.stringify(loaded)} ${inspect(loaded, { depth: 5 })}`).not.toMatch(/ACCESS-one|REFRESH-one/);

    const audit = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'integration.connected' } }));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toMatch(/ACCESS|REFRESH/);
  });

  it('refuses a token row copied into another tenant', async () => {
    const victim = await insertTenant(owner);
    const thief = await insertTenant(owner);
    await store.save(victim, 'google', 'victim.example', tokens('ya29.VICTIM', '1//VICTIM'), 'test');
    await store.save(thief, 'google', 'thief.example', tokens('ya29.THIEF', '1//THIEF'), 'test');
    // Someone with raw access pastes the victim's ciphertext and wrapped key into the thief's rows.
    const attacker = await superuserConnection();
    try {
      await attacker.query(
        `UPDATE integration_credentials t SET encrypted_token_set = v.encrypted_token_set
         FROM integration_credentials v WHERE v.tenant_id = $1 AND t.tenant_id = $2`,
        [victim, thief],
      );
      await attacker.query(
        `UPDATE data_keys t SET wrapped_key = v.wrapped_key FROM data_keys v
         WHERE v.id = (SELECT data_key_id FROM integration_credentials WHERE tenant_id = $1)
           AND t.id = (SELECT data_key_id FROM integration_credentials WHERE tenant_id = $2)`,
        [victim, thief],
      );
    } finally {
      await attacker.end();
    }
    await expect(store.load(thief, 'google')).rejects.toThrow(DecryptionFailedError);
    const stillVictim = await store.load(victim, 'google');
    expect(stillVictim!.tokens.accessToken.reveal()).toBe('ya29.VICTIM');
  });

  it('re-wraps every data key under a new KEK version without touching the data, and refuses to retire a version in use', async () => {
    // A key ring of its own, so the rows tampered with above (under the shared ring) stay out of it.
    const provider = new LocalKeyProvider({ path: join(keyDir, 'rotation-kek.json') });
    const store = new CredentialStore(db, new EnvelopeEncryption(provider));
    const tenantId = await insertTenant(owner);
    await store.save(tenantId, 'jira', 'acme.atlassian.net', tokens('jira-ACCESS', 'jira-REFRESH'), 'test');
    const before = await ownerQueryAsTenant(owner, tenantId, 'SELECT encrypted_token_set FROM integration_credentials');
    const oldVersion = await provider.activeKeyVersion();
    const newVersion = await provider.rotate();
    // This test is about data keys: no Temporal history keeps payloads here (see kek-retirement.test.ts for those).
    const noHistory = { history: { retentionMs: 0, retentionSource: 'test' }, payloadKeyLifetimeMs: 0 };
    await expect(retireKeyVersion(testEnv().ownerUrl, provider, oldVersion, noHistory)).rejects.toThrow(KeyVersionInUseError);

    expect(await rewrapDataKeys(testEnv().ownerUrl, provider)).toEqual({ activeVersion: newVersion, rewrapped: 1, failed: [] });
    const after = await ownerQueryAsTenant(owner, tenantId, 'SELECT encrypted_token_set FROM integration_credentials');
    expect(after.rows).toEqual(before.rows);
    const version = await ownerQueryAsTenant(owner, tenantId, 'SELECT kek_version FROM data_keys WHERE id = (SELECT data_key_id FROM integration_credentials)');
    expect(version.rows[0].kek_version).toBe(newVersion);

    await retireKeyVersion(testEnv().ownerUrl, provider, oldVersion, noHistory);
    const fresh = new CredentialStore(db, new EnvelopeEncryption(provider));
    expect((await fresh.load(tenantId, 'jira'))!.tokens.refreshToken!.reveal()).toBe('jira-REFRESH');
  });

  it('removes a credential with its data key, audited, and marks re-consent', async () => {
    const tenantId = await insertTenant(owner);
    await store.save(tenantId, 'google', 'acme.example', tokens('a', 'r'), 'test');
    await store.markNeedsReconsent(tenantId, 'google', 'workflow:test');
    expect((await store.list(tenantId))[0]).toMatchObject({ status: 'needs_reconsent' });
    expect(await store.remove(tenantId, 'google', 'test')).toBe(true);
    expect(await store.load(tenantId, 'google')).toBeUndefined();
    // The audit trail's signing key stays; no other data key of the tenant does.
    const keys = await ownerQueryAsTenant(owner, tenantId, 'SELECT count(*)::int AS n FROM data_keys WHERE tenant_id = $1 AND integration_id <> $2', [
      tenantId,
      AUDIT_SIGNING_KEY_ID,
    ]);
    expect(keys.rows[0].n).toBe(0);
    const actions = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ orderBy: { seq: 'asc' }, select: { action: true } }));
    expect(actions.map((event) => event.action)).toEqual(['integration.connected', 'integration.needs_reconsent', 'integration.disconnected']);
  });
});
