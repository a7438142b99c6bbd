import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { issueTenantKey } from '../../apps/api/src/auth/api-key-format';
import { freePort } from '../../libs/config/free-port';
import { createPrismaClient, TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { databaseErrorFacts, isTransientDatabaseError, isUniqueViolation } from '../../libs/db/database-error';
import { markDeletionRequestedWeekAgo } from '../support/deletion-clock';
import { startRestartablePostgres } from '../support/restartable-servers';
import { startTestApi } from '../support/test-api';
import { appPrisma, insertTenant, ownerConnection, superuserConnection, testEnv } from '../support/test-environment';

const caught = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the database to refuse');
};

/**
 * Errors as PostgreSQL, node-postgres and Prisma's pg adapter really raise them, classified by SQLSTATE: a
 * transient failure (connection lost, server shutting down, lost race) is worth retrying, anything else is not.
 */
describe('database errors classified by SQLSTATE', () => {
  let prisma: PrismaClient;
  let owner: PgClient;
  let superuser: PgClient;

  beforeAll(async () => {
    prisma = appPrisma();
    owner = await ownerConnection();
    superuser = await superuserConnection();
  });

  afterAll(async () => {
    await superuser?.end();
    await owner?.end();
    await prisma?.$disconnect();
  });

  it('knows a unique violation from a model query (P2002) and from a raw one (P2010), and never retries it', async () => {
    const db = new TenantScopedDatabase(prisma);
    const tenantId = await insertTenant(owner);
    const slug = (await db.withTenant(tenantId, (tx) => tx.tenant.findUniqueOrThrow({ where: { id: tenantId } }))).slug;
    const other = await insertTenant(owner);

    const modelError = await caught(() => db.withTenant(other, (tx) => tx.tenant.update({ where: { id: other }, data: { slug } })));
    const rawError = await caught(() => db.withTenant(other, (tx) => tx.$executeRaw`UPDATE tenants SET slug = ${slug} WHERE id = ${other}::uuid`));
    for (const error of [modelError, rawError]) {
      expect(databaseErrorFacts(error).sqlState).toBe('23505');
      expect(isUniqueViolation(error)).toBe(true);
      expect(isTransientDatabaseError(error)).toBe(false);
    }
  });

  it('reads the deletion functions\' refusals and their hint: not pending (55000) and not due yet (55000, deletion_not_due)', async () => {
    const db = new TenantScopedDatabase(prisma);
    const active = await insertTenant(owner);
    const notPending = await caught(() => db.withTenant(active, (tx) => tx.$executeRaw`SELECT begin_tenant_deletion(${active}::uuid, 'wf')`));
    expect(databaseErrorFacts(notPending)).toEqual({ sqlState: '55000', connectionLost: false });

    const pending = await insertTenant(owner);
    await db.withTenant(pending, (tx) => tx.tenant.update({ where: { id: pending }, data: { status: 'pending_deletion', deletionRequestedBy: 'api-key:alice' } }));
    const notDue = await caught(() => db.withTenant(pending, (tx) => tx.$executeRaw`SELECT begin_tenant_deletion(${pending}::uuid, 'wf')`));
    expect(databaseErrorFacts(notDue)).toEqual({ sqlState: '55000', hint: 'deletion_not_due', connectionLost: false });
    expect(isTransientDatabaseError(notDue)).toBe(false);

    await markDeletionRequestedWeekAgo(superuser, active, 'api-key:alice');
    await db.withTenant(active, (tx) => tx.$executeRaw`SELECT begin_tenant_deletion(${active}::uuid, 'wf')`);
    const missing = await caught(() => db.withTenant(active, (tx) => tx.$executeRaw`SELECT delete_tenant_batch(${active}::uuid, 'no_such_table', 10)`));
    expect(databaseErrorFacts(missing).sqlState).toBe('22023');
    expect(isTransientDatabaseError(missing)).toBe(false);
  });

  it('retries a session the server terminated (57P01) and a deadlock (40P01), through Prisma and through node-postgres', async () => {
    const db = new TenantScopedDatabase(prisma);
    const tenantId = await insertTenant(owner);
    // Several times: whether the next statement meets the server's 57P01 or node-postgres' own "not queryable"
    // depends on which arrives first, and both are the same lost session.
    for (let round = 0; round < 5; round++) {
      const terminated = await caught(() =>
        db.withTenant(tenantId, async (tx) => {
          const [{ pid }] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
          await superuser.query('SELECT pg_terminate_backend($1)', [pid]);
          await tx.$queryRaw`SELECT 1`;
        }),
      );
      expect({ round, transient: isTransientDatabaseError(terminated) }).toEqual({ round, transient: true });
    }

    // Two sessions lock two rows in opposite orders: PostgreSQL breaks the cycle after deadlock_timeout (1 s).
    const a = new PgClient({ connectionString: testEnv().superuserUrl });
    const b = new PgClient({ connectionString: testEnv().superuserUrl });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await superuser.query('CREATE TABLE IF NOT EXISTS deadlock_probe (id int PRIMARY KEY)');
      await superuser.query('INSERT INTO deadlock_probe VALUES (1), (2) ON CONFLICT DO NOTHING');
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query('SELECT * FROM deadlock_probe WHERE id = 1 FOR UPDATE');
      await b.query('SELECT * FROM deadlock_probe WHERE id = 2 FOR UPDATE');
      const outcomes = await Promise.allSettled([
        a.query('SELECT * FROM deadlock_probe WHERE id = 2 FOR UPDATE'),
        b.query('SELECT * FROM deadlock_probe WHERE id = 1 FOR UPDATE'),
      ]);
      const deadlock = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')!.reason;
      expect(databaseErrorFacts(deadlock).sqlState).toBe('40P01');
      expect(isTransientDatabaseError(deadlock)).toBe(true);
    } finally {
      await Promise.all([a.query('ROLLBACK'), b.query('ROLLBACK')]);
      await superuser.query('DROP TABLE IF EXISTS deadlock_probe');
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('retries queries cut off by a server crash, which node-postgres reports without any code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-crash-classification-'));
    const postgres = await startRestartablePostgres(dir);
    const crashing = createPrismaClient(postgres.appUrl, { poolSize: 2 });
    try {
      await crashing.$queryRaw`SELECT 1`;
      const cutOff = [crashing.$queryRaw`SELECT pg_sleep(10)`.catch((error: unknown) => error), crashing.$transaction((tx) => tx.$queryRaw`SELECT pg_sleep(10)`).catch((error: unknown) => error)];
      await new Promise((resolve) => setTimeout(resolve, 500));
      await postgres.crash();
      for (const error of await Promise.all(cutOff)) {
        expect(error).toBeInstanceOf(Error);
        expect(isTransientDatabaseError(error)).toBe(true);
      }
      expect(isTransientDatabaseError(await crashing.$queryRaw`SELECT 1`.catch((error: unknown) => error))).toBe(true);
    } finally {
      await crashing.$disconnect();
      await postgres.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('retries when nothing listens (connection refused), and the API answers 503 with Retry-After rather than 500', async () => {
    const url = new URL(testEnv().databaseUrl);
    url.port = String(await freePort());
    const unreachable = createPrismaClient(url.toString(), { poolSize: 1 });
    try {
      const refused = await caught(() => unreachable.$queryRaw`SELECT 1`);
      expect(databaseErrorFacts(refused)).toMatchObject({ connectionLost: true });
      expect(isTransientDatabaseError(refused)).toBe(true);
    } finally {
      await unreachable.$disconnect();
    }

    const api = await startTestApi({ withWorker: false, databaseUrl: url.toString() });
    try {
      const response = await request(api.http).get('/v1/tenant').set('Authorization', `Bearer ${issueTenantKey(randomUUID()).key}`).expect(503);
      expect(response.body).toEqual({ statusCode: 503, code: 'service_unavailable', message: expect.stringMatching(/database is unavailable/) });
      expect(response.headers['retry-after']).toBe('2');
    } finally {
      await api.close();
    }
  });
});
