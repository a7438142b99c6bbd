import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client as PgClient } from 'pg';
import { createTenantDeletionActivities } from '../../activities/tenant-deletion.activities';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { markDeletionRequestedWeekAgo } from '../support/deletion-clock';
import { seedTenantData } from '../support/tenant-data';
import { appPrisma, insertTenant, ownerConnection, superuserConnection, temporalClient, testActivityDependencies } from '../support/test-environment';

/**
 * The deletion's long steps keep heartbeating while they work (real PostgreSQL, the dev server's visibility): a
 * batch stuck behind a lock is not taken for a dead worker, and stopping the tenant's workflows resumes from
 * what an earlier attempt reported stopped.
 */
describe('tenant deletion activities heartbeat throughout', () => {
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let superuser: PgClient;
  let locker: PgClient;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;

  beforeAll(async () => {
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    superuser = await superuserConnection();
    locker = await superuserConnection();
    temporal = await temporalClient();
  });

  afterAll(async () => {
    await temporal?.close();
    await locker?.end();
    await superuser?.end();
    await owner?.end();
    await prisma?.$disconnect();
  });

  const activities = () => createTenantDeletionActivities({ ...testActivityDependencies(db, temporal.client), deletionBatchSize: 100 });

  it('heartbeats while a batch waits on a row lock, then deletes the batch', async () => {
    const tenantId = await insertTenant(owner);
    await seedTenantData(db, owner, tenantId, { tickets: 3 });
    await markDeletionRequestedWeekAgo(superuser, tenantId, 'api-key:alice');
    await new MockActivityEnvironment().run(activities().beginTenantDeletion, { tenantId, workflowId: `tenant-deletion/${tenantId}` });

    // Someone else holds the tenant's ticket rows: the batch's DELETE waits for them.
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM tickets WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 400 });
    let beats = 0;
    env.on('heartbeat', () => (beats += 1));
    const batch = env.run(activities().deleteTenantRowsBatch, { tenantId, table: 'tickets' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const beatsWhileWaiting = beats;
    await locker.query('COMMIT');

    expect(await batch).toEqual({ deleted: 3 });
    // A beat every 100 ms while blocked; before the fix there was one at the start and one at the end.
    expect(beatsWhileWaiting).toBeGreaterThanOrEqual(5);
  });

  it('keeps the workflows an earlier attempt stopped in what it reports, heartbeating them', async () => {
    const tenantId = await insertTenant(owner);
    const earlier = [`ticket/${tenantId}/CT-000001`];
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000, heartbeatDetails: earlier });
    const details: unknown[] = [];
    env.on('heartbeat', (detail: unknown) => details.push(detail));

    const stopped = await env.run(activities().stopTenantWorkflows, { tenantId, exceptWorkflowId: `tenant-deletion/${tenantId}` });

    expect(stopped).toEqual(earlier);
    expect(details[0]).toEqual(earlier);
  });
});
