import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import type { TenantPrincipal } from '../../apps/api/src/auth/principal';
import { TenantDeletionService } from '../../apps/api/src/deletions/tenant-deletion.service';
import { ApiError } from '../../apps/api/src/errors/api-error';
import { loadAppConfig } from '../../libs/config/app-config';
import { tenantDeletionWorkflowId, type TenantDeletionResult } from '../../libs/contracts';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { moveDeletionRequestWeekBack } from '../support/deletion-clock';
import { seedTenantData, tenantRowCounts } from '../support/tenant-data';
import {
  appPrisma,
  insertTenant,
  ownerConnection,
  superuserConnection,
  temporalClient,
  testActivityDependencies,
} from '../support/test-environment';
import { createTimeSkippingEnvironment, createTimeSkippingWorker, eventually } from '../support/time-skipping';

const REQUESTER = 'jane@acme.example';
const DAY = 24 * 60 * 60 * 1000;

/**
 * The deletion workflow on the time-skipping server with its real activities against the test PostgreSQL,
 * started and cancelled through the API's own service. The database's clock cannot skip: where the grace
 * period must be over for PostgreSQL too, the test moves the database's record of the request a week back.
 * The time-skipping server cannot list workflows by search attribute, so stopping the tenant's other
 * workflows runs against the dev server here (finding none) and is proven in tenant-deletion-crash.test.ts.
 */
describe('tenant deletion workflow (time skipping, real activities and PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let superuser: PgClient;
  let devServer: Awaited<ReturnType<typeof temporalClient>>;
  let deletions: TenantDeletionService;
  let tenantId: string;
  let otherTenantId: string;
  /** A kind of notice the worker holds back until released, as a worker stuck sending it would. */
  let heldNotice: { kind: string; released: Promise<void> } | undefined;

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    superuser = await superuserConnection();
    devServer = await temporalClient();
  });

  // A fresh server per test: each one skips days ahead, and the next request starts from the real clock.
  beforeEach(async () => {
    env = await createTimeSkippingEnvironment();
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: { TenantId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    const dependencies = testActivityDependencies(db, devServer.client);
    worker = await createTimeSkippingWorker(env, 'custodian', {
      ...dependencies,
      notifier: {
        send: async (notice) => {
          if (heldNotice?.kind === notice.kind) await heldNotice.released;
          return dependencies.notifier.send(notice);
        },
      },
      deletionBatchSize: 3,
    });
    deletions = new TenantDeletionService(db, env.client, loadAppConfig(process.env));
    tenantId = await insertTenant(owner);
    otherTenantId = await insertTenant(owner);
    await seedTenantData(db, owner, tenantId, { tickets: 7 });
    await seedTenantData(db, owner, otherTenantId, { tickets: 4 });
  }, 60_000);

  afterEach(async () => {
    await env?.teardown();
  });

  afterAll(async () => {
    await devServer?.close();
    await superuser?.end();
    await owner?.end();
    await prisma?.$disconnect();
  });

  const admin = (id = tenantId): TenantPrincipal => ({ kind: 'tenant', tenantId: id, role: 'admin', keyId: randomUUID(), keyName: 'alice', deletionScheduledAt: null });
  const handle = () => env.client.workflow.getHandle(tenantDeletionWorkflowId(tenantId));
  const tenantRow = () => db.withTenant(tenantId, (tx) => tx.tenant.findUnique({ where: { id: tenantId } }));
  const notices = (kind: string) => db.withTenant(tenantId, (tx) => tx.notification.findMany({ where: { kind } }));
  /** The notice is out and audited: the workflow is waiting on its timer. */
  const requestNoticeSent = () =>
    eventually(async () =>
      expect(await db.withTenant(tenantId, (tx) => tx.auditEvent.count({ where: { action: 'tenant.deletion_notice_sent' } }))).toBe(1),
    );
  /** PostgreSQL's clock does not skip with the workflow's: move the request it checks a week back, as time would have. */
  const databaseDeadlineReached = () => moveDeletionRequestWeekBack(superuser, tenantId);

  it('is cancelled on day 6: nothing is deleted, the tenant is active again, and admins are told', async () => {
    await worker.runUntil(async () => {
      const { deletion, created } = await deletions.request(tenantId, 'api-key:alice', REQUESTER);
      expect(created).toBe(true);
      expect(deletion).toMatchObject({ phase: 'pending', requestedBy: 'api-key:alice', workflowId: `tenant-deletion/${tenantId}` });
      expect(Date.parse(deletion.scheduledAt) - Date.parse(deletion.requestedAt)).toBe(7 * DAY);
      expect((await tenantRow())).toMatchObject({ status: 'pending_deletion', deletionScheduledAt: new Date(deletion.scheduledAt) });
      await requestNoticeSent();
      const before = await tenantRowCounts(superuser, tenantId);

      await env.sleep('6 days');
      expect((await deletions.get(tenantId)).phase).toBe('pending');
      const workflowNow = await env.currentTimeMs();
      expect(workflowNow - Date.parse(deletion.requestedAt)).toBeGreaterThanOrEqual(6 * DAY);
      expect(Date.parse(deletion.scheduledAt) - workflowNow).toBeLessThanOrEqual(1 * DAY);

      const cancelled = await deletions.cancel(admin());
      expect(cancelled).toMatchObject({ phase: 'cancelled', cancelledBy: 'api-key:alice' });
      expect(await handle().result()).toMatchObject({ outcome: 'cancelled', cancelledBy: 'api-key:alice' });

      const after = await tenantRowCounts(superuser, tenantId);
      for (const [table, rows] of Object.entries(before)) expect([table, after[table]! >= rows]).toEqual([table, true]);
      expect(await tenantRow()).toMatchObject({ status: 'active', deletionScheduledAt: null, deletionRequestedAt: null });
      const [cancelNotice, ...more] = await notices('tenant.deletion.cancelled');
      expect(more).toEqual([]);
      expect(cancelNotice!.recipients.sort()).toEqual(['admins@acme.example', REQUESTER]);
      const trail = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: { startsWith: 'tenant.deletion' } }, orderBy: { seq: 'asc' } }));
      expect(trail.map((event) => event.action)).toEqual([
        'tenant.deletion_requested',
        'tenant.deletion_notice_sent',
        'tenant.deletion_cancelled',
        'tenant.deletion_notice_sent',
      ]);
      expect(await prisma.tenantTombstone.count({ where: { deletedTenantId: tenantId } })).toBe(0);
    });
  });

  it('answers a cancellation at once while the notice of the request is held up, and tells the admins in order', async () => {
    let release!: () => void;
    heldNotice = { kind: 'tenant.deletion.requested', released: new Promise((resolve) => (release = resolve)) };
    await worker.runUntil(async () => {
      try {
        await deletions.request(tenantId, 'api-key:alice', REQUESTER);
        const cancelled = await deletions.cancel(admin());
        expect(cancelled).toMatchObject({ phase: 'cancelled', cancelledBy: 'api-key:alice' });
        expect(await tenantRow()).toMatchObject({ status: 'active', deletionScheduledAt: null });
        expect(await notices('tenant.deletion.requested')).toEqual([]);
      } finally {
        // Else the worker could not stop: it waits for the held activity.
        heldNotice = undefined;
        release();
      }
      expect(await handle().result()).toMatchObject({ outcome: 'cancelled' });
      const trail = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: { startsWith: 'tenant.deletion' } }, orderBy: { seq: 'asc' } }));
      expect(trail.map((event) => [event.action, (event.details as { kind?: string }).kind ?? null])).toEqual([
        ['tenant.deletion_requested', null],
        ['tenant.deletion_cancelled', null],
        ['tenant.deletion_notice_sent', 'tenant.deletion.requested'],
        ['tenant.deletion_notice_sent', 'tenant.deletion.cancelled'],
      ]);
    });
  });

  it('answers a second request while one is pending with the same workflow and schedule', async () => {
    await worker.runUntil(async () => {
      const first = await deletions.request(tenantId, 'api-key:alice', REQUESTER);
      const firstRun = (await handle().describe()).runId;
      const second = await deletions.request(tenantId, 'api-key:bob', 'bob@acme.example');
      expect(second.created).toBe(false);
      expect(second.deletion).toMatchObject({ workflowId: first.deletion.workflowId, requestedAt: first.deletion.requestedAt, scheduledAt: first.deletion.scheduledAt, requestedBy: 'api-key:alice' });
      expect((await handle().describe()).runId).toBe(firstRun);
      const requested = await db.withTenant(tenantId, (tx) => tx.auditEvent.count({ where: { action: 'tenant.deletion_requested' } }));
      expect(requested).toBe(1);
      await deletions.cancel(admin());
    });
  });

  it("deletes every row of the tenant after 7 days, leaves the other tenant untouched, and keeps a certificate", async () => {
    await worker.runUntil(async () => {
      const otherBefore = await tenantRowCounts(superuser, otherTenantId);
      await deletions.request(tenantId, 'api-key:alice', REQUESTER);
      await requestNoticeSent();
      const before = await tenantRowCounts(superuser, tenantId);
      await databaseDeadlineReached();

      const result = (await handle().result()) as TenantDeletionResult;

      expect(result.outcome).toBe('deleted');
      const after = await tenantRowCounts(superuser, tenantId);
      expect(Object.keys(after).length).toBeGreaterThanOrEqual(12);
      expect(Object.entries(after).filter(([, rows]) => rows > 0)).toEqual([]);
      expect(await tenantRowCounts(superuser, otherTenantId)).toEqual(otherBefore);

      if (result.outcome !== 'deleted') return;
      const { certificate } = result;
      expect(certificate).toMatchObject({
        tenantId,
        requestedBy: 'api-key:alice',
        requesterEmail: REQUESTER,
        // The integration's data key and the audit trail's signing key.
        dataKeysDestroyed: before.data_keys,
        stoppedWorkflows: [],
        tokenRevocations: [{ provider: 'google', outcome: 'failed', detail: 'no connector' }],
      });
      // Exact per table where the deletion itself wrote nothing; audit events also hold the deletion's own steps.
      for (const table of ['tickets', 'api_keys', 'integration_credentials', 'data_keys', 'tenant_contacts', 'tenant_exports', 'tenants']) {
        expect([table, certificate.deletedRows[table]]).toEqual([table, before[table]]);
      }
      expect(certificate.deletedRows.audit_events).toBeGreaterThan(before.audit_events!);
      expect(certificate.totalRows).toBe(Object.values(certificate.deletedRows).reduce((sum, rows) => sum + rows, 0));

      const tombstone = await prisma.tenantTombstone.findUniqueOrThrow({ where: { deletedTenantId: tenantId } });
      expect(tombstone.certificate).toEqual(certificate);
      const emailed = await prisma.platformNotification.findUniqueOrThrow({ where: { deliveryKey: `tenant-deletion/${tenantId}/certificate` } });
      expect(emailed).toMatchObject({ recipients: [REQUESTER], kind: 'tenant.deletion.certificate' });
      expect(emailed.body).toContain(`tickets: ${before.tickets}`);

      // Every step that heartbeats is scheduled with a heartbeat timeout: a worker that dies in it is noticed.
      const scheduled = ((await handle().fetchHistory()).events ?? []).map((event) => event.activityTaskScheduledEventAttributes).filter((attributes) => attributes != null);
      const heartbeatTimeoutOf = (type: string) => scheduled.find((attributes) => attributes.activityType?.name === type)?.heartbeatTimeout?.seconds;
      expect({ stop: Number(heartbeatTimeoutOf('stopTenantWorkflows') ?? 0) > 0, batch: Number(heartbeatTimeoutOf('deleteTenantRowsBatch') ?? 0) > 0 }).toEqual({ stop: true, batch: true });
    });
  });

  it('refuses to cancel after the deadline, and PostgreSQL refuses to delete before its own', async () => {
    await worker.runUntil(async () => {
      await deletions.request(tenantId, 'api-key:alice', REQUESTER);
      await requestNoticeSent();
      const before = await tenantRowCounts(superuser, tenantId);

      await env.sleep('7 days');
      const refusal = await deletions.cancel(admin()).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(ApiError);
      expect((refusal as ApiError).getStatus()).toBe(409);
      expect((refusal as ApiError).code).toBe('deletion_not_cancellable');
      expect((refusal as ApiError).message).toMatch(/grace period ended .* can no longer be cancelled/);
      expect((await deletions.get(tenantId)).phase).toBe('deleting');

      // The workflow's timer has fired, but by the database's clock the grace period is not over: it deletes nothing.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await tenantRowCounts(superuser, tenantId)).toEqual(before);
      expect(await prisma.tenantTombstone.count({ where: { deletedTenantId: tenantId } })).toBe(0);

      await databaseDeadlineReached();
      expect(await handle().result()).toMatchObject({ outcome: 'deleted' });
      expect(Object.values(await tenantRowCounts(superuser, tenantId)).every((rows) => rows === 0)).toBe(true);
    });
  });

  it('refuses a cancellation by someone who is not an admin of the tenant', async () => {
    await worker.runUntil(async () => {
      await deletions.request(tenantId, 'api-key:alice', REQUESTER);
      const agent: TenantPrincipal = { ...admin(), role: 'agent' };
      await expect(deletions.cancel(agent)).rejects.toMatchObject({ code: 'forbidden' });
      await deletions.cancel(admin());
    });
  });
});
