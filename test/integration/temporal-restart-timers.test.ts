import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import request from 'supertest';
import { AuditTrail } from '../../libs/audit';
import { CUSTODIAN_TASK_QUEUE, TENANT_DELETION_WORKFLOW, TENANT_ID_SEARCH_ATTRIBUTE, tenantDeletionWorkflowId, type TenantDeletionInput, type TenantDeletionResult } from '../../libs/contracts';
import { TenantScopedDatabase } from '../../libs/db';
import { SECURITY_TENANT_ID } from '../../libs/security/security-tenant';
import { markDeletionRequestedWeekAgo } from '../support/deletion-clock';
import { timerDueAt, workflowTimers } from '../support/fired-timers';
import { temporalServerKindFromEnv } from '../../libs/temporal/temporal-server-kind';
import { startRestartableTemporal, useServers, type RestartableTemporal } from '../support/restartable-servers';
import { startTestApi, type TestApi } from '../support/test-api';
import { superuserConnection, testEnv } from '../support/test-environment';
import { until } from '../support/until';

const HOUR_MS = 3_600_000;
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The server under test: the dev server, or with CUSTODIAN_TEMPORAL=cluster the real server on PostgreSQL. */
const KIND = temporalServerKindFromEnv();

/**
 * The Temporal server restarts (same database, same address) while a tenant deletion's grace timer and a breach's
 * 72-hour clock are pending. Both timers are the products' own, set from the deletion's end of grace and the
 * breach's awareness time, placed seconds ahead: the deletion's falls while the server is down and fires as soon
 * as it is back, the breach's falls after the restart and fires on time.
 */
describe(`timers survive a restart of the Temporal server (${KIND})`, () => {
  let dir: string;
  let temporal: RestartableTemporal;
  let restoreEnv: () => void;
  let api: TestApi;
  let superuser: PgClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-temporal-restart-'));
    temporal = await startRestartableTemporal(KIND, dir, { postgresSuperuserUrl: testEnv().superuserUrl });
    restoreEnv = useServers({ temporal });
    api = await startTestApi();
    superuser = await superuserConnection();
  }, 120_000);

  afterAll(async () => {
    await superuser?.end();
    await api?.close();
    await temporal?.close();
    restoreEnv?.();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('fires the grace timer once the server is back and the breach deadline on time, each once', async () => {
    const tenant = (await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `restart-${Date.now()}`, name: 'Restart' }).expect(201)).body;
    const tenantId: string = tenant.tenant.id;
    // The database's seven days are over (the database would refuse to begin otherwise); the workflow's are not.
    await markDeletionRequestedWeekAgo(superuser, tenantId, 'api-key:admin');

    const t0 = Date.now();
    const graceEndsMs = t0 + 15_000;
    const deadlineMs = t0 + 40_000;
    const input: TenantDeletionInput = {
      tenantId,
      requestedBy: 'api-key:admin',
      requesterEmail: 'jane@acme.example',
      requestedAt: new Date(t0 - 7 * 24 * HOUR_MS).toISOString(),
      scheduledAt: new Date(graceEndsMs).toISOString(),
    };
    const deletion = await api.temporal.workflow.start(TENANT_DELETION_WORKFLOW, {
      workflowId: tenantDeletionWorkflowId(tenantId),
      taskQueue: CUSTODIAN_TASK_QUEUE,
      args: [input],
      typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId }],
    });
    const declared = await request(api.http)
      .post('/v1/incidents')
      .set(bearer(api.operatorKey))
      .send({
        awarenessAt: new Date(deadlineMs - 72 * HOUR_MS).toISOString(),
        description: 'Restart drill',
        suspectedDataCategories: ['contact details'],
        ownerEmail: 'owner@custodian.example',
      })
      .expect(201);
    const breachWorkflowId: string = declared.body.workflowId;

    // Both clocks are set before the server goes.
    const pending = await until(
      async () => [await workflowTimers(api.temporal, deletion.workflowId), await workflowTimers(api.temporal, breachWorkflowId)],
      ([graceTimers, breachTimers]) => timerDueAt(graceTimers, graceEndsMs) !== undefined && timerDueAt(breachTimers, deadlineMs) !== undefined,
    );
    expect(timerDueAt(pending[0], graceEndsMs)?.firedMs).toBeUndefined();
    expect(timerDueAt(pending[1], deadlineMs)?.firedMs).toBeUndefined();

    await temporal.stop();
    await sleep(Math.max(0, graceEndsMs + 5_000 - Date.now()));
    await temporal.start();
    const backMs = Date.now();
    expect(backMs).toBeLessThan(deadlineMs - 5_000);

    const result = (await deletion.result()) as TenantDeletionResult;
    expect(result.outcome).toBe('deleted');
    await until(
      () => workflowTimers(api.temporal, breachWorkflowId),
      (timers) => timerDueAt(timers, deadlineMs)?.firedMs !== undefined,
      60_000,
    );

    const grace = timerDueAt(await workflowTimers(api.temporal, deletion.workflowId), graceEndsMs)!;
    expect(grace.firedMs).toBeGreaterThanOrEqual(graceEndsMs);
    expect(grace.firedMs! - backMs).toBeLessThan(10_000);

    const breachTimers = await workflowTimers(api.temporal, breachWorkflowId);
    const deadline = timerDueAt(breachTimers, deadlineMs)!;
    expect(deadline.firedMs).toBeGreaterThanOrEqual(deadlineMs);
    expect(deadline.firedMs! - deadlineMs).toBeLessThan(3_000);

    // Each clock acted once: one deadline_missed record, and a chain that verifies.
    const db = new TenantScopedDatabase(api.prisma);
    const missed = await until(
      () => db.withTenant(SECURITY_TENANT_ID, (tx) => tx.auditEvent.findMany({ where: { action: 'incident.deadline_missed', target: declared.body.incidentRef } })),
      (events) => events.length > 0,
    );
    expect(missed).toHaveLength(1);
    expect((await new AuditTrail(db).verify(SECURITY_TENANT_ID)).ok).toBe(true);
    expect(result.outcome === 'deleted' && result.certificate.tenantId).toBe(tenantId);
  }, 180_000);
});
