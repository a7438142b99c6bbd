import type { Client as PgClient } from 'pg';
import { ensureOneTimeSecretExpirySchedule } from '../../apps/worker/src/one-time-secret-expiry.schedule';
import { CUSTODIAN_TASK_QUEUE, ONE_TIME_SECRET_EXPIRY_SCHEDULE_ID } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { Secret } from '../../libs/crypto/secret';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { OneTimeSecretStore } from '../../libs/secrets/one-time-secret-store';
import { appPrisma, insertTenant, ownerConnection, startTestWorker, temporalClient } from '../support/test-environment';

const DAY = 24 * 60 * 60 * 1000;

/** Secrets nobody opened are destroyed after 24 hours by a Temporal Schedule, not kept until someone asks. */
describe('one-time secret expiry (Temporal Schedule, real worker and PostgreSQL)', () => {
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  beforeAll(async () => {
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    temporal = await temporalClient();
    worker = await startTestWorker(db);
  });

  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
    await owner?.end();
    await prisma?.$disconnect();
  });

  it('is one schedule however many workers start, and its sweep destroys expired secrets and only those', async () => {
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const dayAgo = new OneTimeSecretStore(db, encryption, () => new Date(Date.now() - DAY - 60_000));
    const secrets = new OneTimeSecretStore(db, encryption);
    const tenantId = await insertTenant(owner);
    const stale = await dayAgo.obtain(tenantId, 'password-reset/stale', 'google-temporary-password', 'jane@acme.example', () => new Secret('Stale-Temp-Pass-1!'));
    const fresh = await secrets.obtain(tenantId, 'password-reset/fresh', 'google-temporary-password', 'sam@acme.example', () => new Secret('Fresh-Temp-Pass-2!'));
    const staleLink = await dayAgo.pendingLink(tenantId, stale.id);

    expect(await ensureOneTimeSecretExpirySchedule(temporal.client, CUSTODIAN_TASK_QUEUE)).toMatch(/created|updated|unchanged/);
    expect(await ensureOneTimeSecretExpirySchedule(temporal.client, CUSTODIAN_TASK_QUEUE)).toBe('unchanged');
    const schedule = temporal.client.schedule.getHandle(ONE_TIME_SECRET_EXPIRY_SCHEDULE_ID);
    const description = await schedule.describe();
    expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 15 * 60 * 1000 })]);

    const runsBefore = description.info.recentActions.length;
    await schedule.trigger();
    const deadline = Date.now() + 30_000;
    let rows = await db.withTenant(tenantId, (tx) => tx.oneTimeSecret.findMany({ orderBy: { subject: 'asc' } }));
    while (rows.find((row) => row.id === stale.id)!.ciphertext !== null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      rows = await db.withTenant(tenantId, (tx) => tx.oneTimeSecret.findMany({ orderBy: { subject: 'asc' } }));
    }
    expect(rows.find((row) => row.id === stale.id)).toMatchObject({ ciphertext: null, dataKeyId: null, revealedAt: null });
    expect(rows.find((row) => row.id === fresh.id)).toMatchObject({ ciphertext: expect.any(String), dataKeyId: expect.any(String) });
    expect(await db.withTenant(tenantId, (tx) => tx.dataKey.count({ where: { integrationId: stale.id } }))).toBe(0);
    expect(await secrets.reveal(staleLink!.token, 'test')).toEqual({ kind: 'gone', reason: 'expired' });
    const expiredEvents = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'secret.expired' } }));
    expect(expiredEvents.map((event) => [event.actor, event.target])).toEqual([['system:secret-expiry', 'jane@acme.example']]);
    expect((await schedule.describe()).info.recentActions.length).toBeGreaterThan(runsBefore);
  });
});
