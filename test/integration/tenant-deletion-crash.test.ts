import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import request from 'supertest';
import { TENANT_ID_SEARCH_ATTRIBUTE, TICKET_INTAKE_WORKFLOW, tenantDeletionWorkflowId, type TenantDeletionResult } from '../../libs/contracts';
import { repoRoot } from '../../libs/config/repo-root';
import { TenantScopedDatabase } from '../../libs/db';
import { markDeletionRequestedWeekAgo } from '../support/deletion-clock';
import { seedTenantData, tenantRowCounts } from '../support/tenant-data';
import { startTestApi, type TestApi } from '../support/test-api';
import { ownerConnection, startTestWorker, superuserConnection } from '../support/test-environment';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const TICKETS = 30;

/**
 * A worker dies (SIGKILL) in the middle of the batch deletion; a new worker carries on where the workflow was
 * and finishes with no row of the tenant left and every row counted exactly once. Real dev server, real
 * PostgreSQL; the tenant's deletion was asked for a week ago as far as PostgreSQL knows (the grace period is
 * the database's seven days), so the deletion is due at once.
 */
describe('tenant deletion survives a worker killed mid-deletion', () => {
  let api: TestApi;
  let owner: PgClient;
  let superuser: PgClient;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false });
    owner = await ownerConnection();
    superuser = await superuserConnection();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await superuser?.end();
    await owner?.end();
    await api?.close();
  });

  it('resumes in a new worker, stops the tenant\'s workflows, deletes everything, and leaves other tenants alone', async () => {
    const db = new TenantScopedDatabase(api.prisma);
    const newTenant = async (slug: string) =>
      (await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `${slug}-${Date.now()}`, name: slug }).expect(201)).body;
    const doomed = await newTenant('doomed');
    const other = await newTenant('bystander');
    await seedTenantData(db, owner, doomed.tenant.id, { tickets: TICKETS });
    await seedTenantData(db, owner, other.tenant.id, { tickets: 3 });
    const otherBefore = await tenantRowCounts(superuser, other.tenant.id);

    // A workflow of the tenant that would run forever (nobody polls its queue): deletion must stop it.
    const parked = await api.temporal.workflow.start(TICKET_INTAKE_WORKFLOW, {
      workflowId: `parked/${randomUUID()}`,
      taskQueue: `parked-${randomUUID()}`,
      args: [{ tenantId: doomed.tenant.id, ticketId: randomUUID(), ticketRef: 'CT-000001', type: 'general', priority: 'normal', requestedBy: 'test' }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: doomed.tenant.id }],
    });

    // The request PostgreSQL holds is a week old; asking through the API starts its workflow (200: already pending).
    await markDeletionRequestedWeekAgo(superuser, doomed.tenant.id, 'api-key:admin');
    await request(api.http).post('/v1/tenant/deletion').set(bearer(doomed.adminApiKey.key)).send({ requesterEmail: 'jane@acme.example' }).expect(200);
    const ticketsBefore = (await tenantRowCounts(superuser, doomed.tenant.id)).tickets;
    expect(ticketsBefore).toBe(TICKETS);

    child = spawn(process.execPath, ['--import', 'jiti/register', join(__dirname, 'fixtures', 'deletion-worker.process.ts')], {
      cwd: repoRoot(),
      env: { ...process.env, DELETION_BATCH_SIZE: '2' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const deletedSoFar = async () => {
      const tombstone = await api.prisma.tenantTombstone.findUnique({ where: { deletedTenantId: doomed.tenant.id } });
      return Object.values((tombstone?.deletedRows ?? {}) as Record<string, number>).reduce((sum, rows) => sum + Number(rows), 0);
    };
    const killDeadline = Date.now() + 60_000;
    while ((await deletedSoFar()) < 6) {
      if (Date.now() > killDeadline) throw new Error('the first worker never started deleting');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = undefined;

    const halfway = await tenantRowCounts(superuser, doomed.tenant.id);
    expect(Object.values(halfway).reduce((sum, rows) => sum + rows, 0)).toBeGreaterThan(0);
    expect(halfway.tenants).toBe(1);

    const worker = await startTestWorker(db, { deletionBatchSize: 5 });
    let result: TenantDeletionResult;
    try {
      result = await api.temporal.workflow.getHandle(tenantDeletionWorkflowId(doomed.tenant.id)).result();
    } finally {
      await worker.stop();
    }

    expect(result.outcome).toBe('deleted');
    const after = await tenantRowCounts(superuser, doomed.tenant.id);
    expect(Object.entries(after).filter(([, rows]) => rows > 0)).toEqual([]);
    expect(await tenantRowCounts(superuser, other.tenant.id)).toEqual(otherBefore);
    expect((await parked.describe()).status.name).toBe('TERMINATED');

    if (result.outcome !== 'deleted') return;
    expect(result.certificate.deletedRows.tickets).toBe(TICKETS);
    expect(result.certificate.stoppedWorkflows).toEqual([parked.workflowId]);

    const certificate = await request(api.http).get(`/v1/tenant-deletions/${doomed.tenant.id}/certificate`).set(bearer(api.operatorKey)).expect(200);
    expect(certificate.body).toMatchObject({ status: 'completed', certificate: result.certificate });
    await request(api.http).get(`/v1/tenant-deletions/${doomed.tenant.id}/certificate`).set(bearer(other.adminApiKey.key)).expect(403);
    await request(api.http).get('/v1/tenant').set(bearer(doomed.adminApiKey.key)).expect(401);
  }, 120_000);
});
