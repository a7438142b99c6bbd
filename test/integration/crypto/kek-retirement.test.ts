import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { Client as PgClient } from 'pg';
import { repoRoot } from '../../../libs/config/repo-root';
import { CredentialStore } from '../../../libs/connectors/credential-store';
import { Secret } from '../../../libs/crypto/secret';
import { EnvelopeEncryption } from '../../../libs/crypto/envelope-encryption';
import { KeyVersionInHistoryError, type TemporalPayloadHistory } from '../../../libs/crypto/kek-retirement';
import { retireKeyVersion, rewrapDataKeys } from '../../../libs/crypto/kek-rotation';
import { KeyVersionInUseError } from '../../../libs/crypto/key-version-errors';
import { LocalKeyProvider } from '../../../libs/crypto/local-key-provider';
import { TenantScopedDatabase, type PrismaClient } from '../../../libs/db';
import { OneTimeSecretStore } from '../../../libs/secrets/one-time-secret-store';
import { namespacePayloadHistory } from '../../../libs/temporal/namespace-payload-history';
import { PAYLOAD_DATA_KEY_LIFETIME_MS, PayloadEncryptionCodec } from '../../../libs/temporal/payload-codec';
import { appPrisma, insertTenant, ownerConnection, testEnv } from '../../support/test-environment';
import { until } from '../../support/until';

const HOUR = 3_600_000;

/**
 * keys:rotate --retire against real PostgreSQL (data_keys, one_time_secrets) and the real Temporal dev server
 * (DescribeNamespace's retention, the visibility store's executions), on a key ring of its own whose clock
 * the test sets.
 */
describe('retiring a KEK version waits until nothing needs it', () => {
  let dir: string;
  let owner: PgClient;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let connection: Connection;
  let history: TemporalPayloadHistory;
  let clock: Date;
  let provider: LocalKeyProvider;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-retire-'));
    owner = await ownerConnection();
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    connection = await Connection.connect({ address: testEnv().temporalAddress });
    history = await namespacePayloadHistory(connection, 'default');
  });
  afterAll(async () => {
    await connection?.close();
    await prisma?.$disconnect();
    await owner?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A key ring made (version 1) at `createdAt` and rotated to version 2 at `rotatedAt`, by the test's clock. */
  async function ringRotatedAt(createdAt: string, rotatedAt: string, beforeRotation?: (provider: LocalKeyProvider) => Promise<void>, path = join(dir, `${randomUUID()}.json`)) {
    clock = new Date(createdAt);
    provider = new LocalKeyProvider({ path, now: () => clock });
    await provider.activeKeyVersion();
    await beforeRotation?.(provider);
    clock = new Date(rotatedAt);
    expect(await provider.rotate()).toBe('2');
  }
  const retire = (at: Date, acceptUndecodableHistory = false) =>
    retireKeyVersion(testEnv().ownerUrl, provider, '1', { history, payloadKeyLifetimeMs: PAYLOAD_DATA_KEY_LIFETIME_MS, acceptUndecodableHistory, now: at });
  const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a refusal'); }, (error: Error) => error);

  it('reads the retention from the namespace (DescribeNamespace)', () => {
    expect(history.retentionMs).toBeGreaterThan(0);
    expect(history.retentionSource).toContain('namespace "default"');
  });

  it('refuses within the retention after the version stopped being current, saying why and from when', async () => {
    await ringRotatedAt('2021-03-01T00:00:00.000Z', '2021-03-10T00:00:00.000Z');
    const expected = new Date(Date.parse('2021-03-10T00:00:00.000Z') + PAYLOAD_DATA_KEY_LIFETIME_MS + history.retentionMs);
    const refusal = await rejection(retire(new Date('2021-03-10T02:00:00.000Z')));
    expect(refusal).toBeInstanceOf(KeyVersionInHistoryError);
    expect((refusal as KeyVersionInHistoryError).allowedFrom).toEqual(expected);
    expect(refusal.message).toContain('superseded at 2021-03-10T00:00:00.000Z');
    expect(refusal.message).toContain('namespace "default"');
    expect(refusal.message).toContain(`retiring is allowed from ${expected.toISOString()}`);
    expect((await provider.listVersions()).find((version) => version.version === '1')).toMatchObject({ retired: false, supersededAt: new Date('2021-03-10T00:00:00.000Z') });

    // A moment before the date it still refuses; from the date on it retires.
    await expect(retire(new Date(expected.getTime() - 1))).rejects.toBeInstanceOf(KeyVersionInHistoryError);
    expect(await retire(expected)).toEqual({ alreadyRetired: false, overridden: [] });
    expect((await provider.listVersions()).find((version) => version.version === '1')).toMatchObject({ retired: true });
  });

  it('refuses while data keys (a credential, an unread one-time secret) are wrapped under it, even when forced', async () => {
    const tenantId = await insertTenant(owner);
    await ringRotatedAt('2021-04-01T00:00:00.000Z', '2021-04-02T00:00:00.000Z', async (ring) => {
      const encryption = new EnvelopeEncryption(ring);
      await new CredentialStore(db, encryption).save(tenantId, 'jira', 'acme.atlassian.net', { accessToken: new Secret('a'), refreshToken: new Secret('r'), expiresAt: new Date(), scopes: [] }, 'test');
      await new OneTimeSecretStore(db, encryption).obtain(tenantId, `password-reset/${tenantId}/CT-000001`, 'google.temporary-password', 'jane@acme.example', () => new Secret('Temp-Passw0rd!'));
    });
    const long = new Date('2030-01-01T00:00:00.000Z');
    const refusal = await rejection(retire(long, true));
    expect(refusal).toBeInstanceOf(KeyVersionInUseError);
    expect(refusal).not.toBeInstanceOf(KeyVersionInHistoryError);
    expect(refusal.message).toBe(
      'KEK version 1 cannot be retired: 2 data key(s) are still wrapped under it (1 of them for one-time secrets not yet revealed or expired); re-wrap them first with npm run keys:rotate -- --rewrap',
    );
    expect((await provider.listVersions())[0]).toMatchObject({ version: '1', retired: false });

    expect(await rewrapDataKeys(testEnv().ownerUrl, provider)).toMatchObject({ rewrapped: 2, failed: [] });
    expect(await retire(long)).toEqual({ alreadyRetired: false, overridden: [] });
  });

  it('retires when forced, reporting what it overrode; a payload encoded under it no longer decodes', async () => {
    const path = join(dir, `${randomUUID()}.json`);
    let encoded: Payload[] = [];
    await ringRotatedAt('2021-05-01T00:00:00.000Z', '2021-05-02T00:00:00.000Z', async (ring) => {
      encoded = await new PayloadEncryptionCodec({ keyProvider: ring }).encode([defaultPayloadConverter.toPayload({ tenantId: 't-1' })]);
    }, path);
    const freshCodec = () => new PayloadEncryptionCodec({ keyProvider: new LocalKeyProvider({ path }) });
    expect(defaultPayloadConverter.fromPayload((await freshCodec().decode(encoded))[0])).toEqual({ tenantId: 't-1' });

    const at = new Date('2021-05-02T00:30:00.000Z');
    await expect(retire(at)).rejects.toBeInstanceOf(KeyVersionInHistoryError);
    const outcome = await retire(at, true);
    expect(outcome.alreadyRetired).toBe(false);
    expect(outcome.overridden).toEqual([expect.stringContaining('retiring is allowed from')]);
    expect((await provider.listVersions())[0]).toMatchObject({ version: '1', retired: true });
    await expect(freshCodec().decode(encoded)).rejects.toMatchObject({ name: 'DecryptionFailedError', reason: 'key_version_retired' });
  });

  it('npm run keys:rotate -- --retire: refuses with the date and the flag that forces it, which then states the consequence', async () => {
    const path = join(dir, `${randomUUID()}.json`);
    // Superseded long enough ago that no execution of this test run started before it, but within the retention.
    const rotatedAt = new Date(Date.now() - history.retentionMs + 2 * HOUR);
    await ringRotatedAt(new Date(rotatedAt.getTime() - HOUR).toISOString(), rotatedAt.toISOString(), undefined, path);
    const allowedFrom = new Date(rotatedAt.getTime() + PAYLOAD_DATA_KEY_LIFETIME_MS + history.retentionMs);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(repoRoot(), 'node_modules/jiti/lib/jiti-cli.mjs'), join(repoRoot(), 'libs/crypto/kek-rotate.cli.ts'), ...args], {
        env: { ...process.env, CUSTODIAN_KEY_FILE: path, DATABASE_OWNER_URL: testEnv().ownerUrl, TEMPORAL_ADDRESS: testEnv().temporalAddress },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const refused = cli('--retire', '1');
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/KEK version 1 cannot be retired: .*retention of .*namespace "default"/);
    expect(refused.stderr).toContain(`Allowed from ${allowedFrom.toISOString()}.`);
    expect(refused.stderr).toContain('add --accept-undecodable-history');
    const forced = cli('--retire', '1', '--accept-undecodable-history');
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('KEK version 1 retired although');
    expect(forced.stdout).toContain('Consequence: workflow histories that still hold payloads encoded under it can no longer be decoded');
    expect((await new LocalKeyProvider({ path }).listVersions())[0]).toMatchObject({ version: '1', retired: true });
  });

  it('refuses, with no date yet, while a workflow started when the version was current is still running', async () => {
    await ringRotatedAt(new Date(Date.now() - 2 * HOUR).toISOString(), new Date().toISOString());
    const client = new Client({ connection });
    const parked = await client.workflow.start('parkedWorkflow', { workflowId: `retire-${randomUUID()}`, taskQueue: `parked-${randomUUID()}` });
    try {
      const afterRetention = new Date(Date.now() + PAYLOAD_DATA_KEY_LIFETIME_MS + history.retentionMs + HOUR);
      // The visibility store lists the new execution shortly after it started.
      const refusal = await until(() => rejection(retire(afterRetention)), (error) => /still running/.test(error.message), 5_000);
      expect(refusal).toBeInstanceOf(KeyVersionInHistoryError);
      expect(refusal.message).toMatch(/\d+ workflow execution\(s\) started before .* are still running/);
      expect((refusal as KeyVersionInHistoryError).allowedFrom).toBeUndefined();
    } finally {
      await parked.terminate('test done');
    }
  });
});
