import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import {
  ACCESS_CHANGE_WORKFLOW,
  approvePasswordResetUpdate,
  cancelTenantDeletionUpdate,
  CUSTODIAN_TASK_QUEUE,
  googleOperationStateQuery,
  googleOperationWorkflowId,
  PASSWORD_RESET_WORKFLOW,
  tenantDeletionStateQuery,
  tenantDeletionWorkflowId,
  type GoogleOperationKind,
} from '../../libs/contracts';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { connectTenantToGoogle, googleSimulatorEnv, insertTicket } from '../support/google-workspace';
import { TenantScopedDatabase } from '../../libs/db';
import { testEnv } from '../support/test-environment';
import { startTestApi, type TestApi } from '../support/test-api';
import { until } from '../support/until';

const DOMAIN = 'acme.example';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * Someone who reaches the Temporal frontend but does not hold the KEK: a client without Custodian's codec
 * (plain JSON payloads) starts workflows and sends Updates directly, bypassing the API. The real worker,
 * PostgreSQL and the Workspace simulator show that nothing happens on their behalf.
 */
describe('payloads not encrypted under our key are refused (real worker, PostgreSQL, simulated Google)', () => {
  let google: GoogleWorkspaceSimulator;
  let api: TestApi;
  let attackerConnection: Connection;
  let attacker: Client;
  let tenantId: string;
  let keys: Record<'admin' | 'manager' | 'agent', string>;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    api = await startTestApi({ env: googleSimulatorEnv(google) });
    attackerConnection = await Connection.connect({ address: testEnv().temporalAddress });
    attacker = new Client({ connection: attackerConnection });
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `plain-${Date.now()}`, name: 'Plain LLP' }).expect(201);
    tenantId = created.body.tenant.id;
    const admin = created.body.adminApiKey.key as string;
    const keyFor = async (role: string) => (await request(api.http).post('/v1/api-keys').set(bearer(admin)).send({ name: `${role}-key`, role }).expect(201)).body.key as string;
    keys = { admin, manager: await keyFor('manager'), agent: await keyFor('agent') };
    await connectTenantToGoogle(api.credentials, google, tenantId, DOMAIN);
  });

  afterAll(async () => {
    await attackerConnection?.close();
    await api?.close();
    await google?.stop();
  });

  /**
   * The workflow rejected the Update: the answer is a failure, encrypted by our worker, which the attacker's
   * client cannot even read (a rejection from the workflow's own checks would read the same way).
   */
  const expectRejectedBeforeAcceptance = (outcome: unknown) => {
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/Unknown encoding: binary\/encrypted/);
  };
  const acceptedUpdates = async (workflowId: string) =>
    ((await api.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes);

  const auditCount = () =>
    api.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return tx.auditEvent.count({ where: { tenantId } });
    });
  const auditActions = () =>
    api.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return (await tx.auditEvent.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } })).map((event) => `${event.actor} ${event.action}`);
    });

  it.each([
    ['password-reset', PASSWORD_RESET_WORKFLOW, { signOut: true }],
    ['access-change', ACCESS_CHANGE_WORKFLOW, { actions: ['suspend', 'sign_out'] }],
  ] as const)('a %s started with a plain payload fails at once: no Google call, no row, no audit event', async (kind, workflow, parameters) => {
    const ticketRef = kind === 'password-reset' ? 'CT-900001' : 'CT-900002';
    await insertTicket(new TenantScopedDatabase(api.prisma), tenantId, ticketRef, kind === 'password-reset' ? 'password_reset' : 'access_change');
    const user = `jane@${DOMAIN}`;
    const auditBefore = await auditCount();
    const googleRequestsBefore = google.requests.length;
    const workflowId = googleOperationWorkflowId(kind as GoogleOperationKind, tenantId, ticketRef);
    const handle = await attacker.workflow.start(workflow, {
      workflowId,
      taskQueue: CUSTODIAN_TASK_QUEUE,
      args: [{ tenantId, ticketRef, userEmail: user, requestedBy: 'api-key:mallory', requesterId: randomUUID(), ...parameters }],
    });
    try {
      // The worker refuses the input: the workflow fails at once, before its function runs, and frees its id.
      const status = await until(async () => (await handle.describe()).status.name, (name) => name !== 'RUNNING');
      expect(status).toBe('FAILED');
      const failure = await api.temporal.workflow.getHandle(workflowId).result().then(() => undefined, (error: { cause?: { type?: string } }) => error.cause);
      expect(failure).toMatchObject({ type: 'PayloadRefused' });
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((event) => event.activityTaskScheduledEventAttributes)).toEqual([]);
      expect(events.filter((event) => event.workflowTaskFailedEventAttributes)).toEqual([]);
      expect(google.requests.slice(googleRequestsBefore)).toEqual([]);
      expect(google.passwordsSet).toEqual([]);
      expect(google.users.get(user)).toMatchObject({ suspended: false, signOuts: 0 });
      expect(await auditCount()).toBe(auditBefore);
      const secrets = await api.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
        return tx.oneTimeSecret.count({ where: { workflowId } });
      });
      expect(secrets).toBe(0);
    } finally {
      await handle.terminate('test: refused start').catch(() => undefined);
    }
  });

  it('rejects a forged approval Update {decidedBy, role: admin}; the reset waits for a real approver and then completes', async () => {
    const ticket = await request(api.http).post('/v1/tickets').set(bearer(keys.agent)).send({ type: 'password_reset', summary: 'reset Hal', requester: `hal@${DOMAIN}` }).expect(201);
    const started = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ticketRef: ticket.body.ref, userEmail: `helpdesk@${DOMAIN}` }).expect(202);
    const handle = api.temporal.workflow.getHandle(started.body.workflowId);
    const waiting = await until(() => handle.query(googleOperationStateQuery), (state) => state.step !== 'checking_user');
    expect(waiting.step).toBe('awaiting_approval');

    const forged = await attacker.workflow
      .getHandle(started.body.workflowId)
      .executeUpdate(approvePasswordResetUpdate, { args: [{ tenantId, decidedBy: 'api-key:mallory', deciderId: randomUUID(), role: 'admin' }] })
      .then(() => 'accepted', (error: unknown) => error);
    expectRejectedBeforeAcceptance(forged);
    expect(await acceptedUpdates(started.body.workflowId)).toEqual([]);

    expect((await handle.query(googleOperationStateQuery)).step).toBe('awaiting_approval');
    expect(google.passwordsSet.filter((set) => set.userKey === `helpdesk@${DOMAIN}`)).toEqual([]);
    expect((await auditActions()).filter((entry) => /mallory|\.approved$/.test(entry))).toEqual([]);

    await request(api.http).post(`/v1/password-resets/${ticket.body.ref}/approve`).set(bearer(keys.manager)).send({}).expect(200);
    const done = await until(async () => (await request(api.http).get(started.body.statusUrl).set(bearer(keys.agent)).expect(200)).body, (body) => body.status !== 'RUNNING');
    expect(done).toMatchObject({ status: 'COMPLETED', state: { step: 'completed', approvedBy: 'api-key:manager-key' } });
    expect(google.passwordsSet.filter((set) => set.userKey === `helpdesk@${DOMAIN}`)).toEqual([expect.objectContaining({ changePasswordAtNextLogin: true })]);
  });

  it('rejects a plain cancel Update of a tenant deletion; the deletion stays pending and the API still cancels it', async () => {
    await request(api.http).post('/v1/tenant/deletion').set(bearer(keys.admin)).send({ requesterEmail: `ada@${DOMAIN}` }).expect(202);
    const workflowId = tenantDeletionWorkflowId(tenantId);

    const forged = await attacker.workflow
      .getHandle(workflowId)
      .executeUpdate(cancelTenantDeletionUpdate, { args: [{ tenantId, cancelledBy: 'api-key:mallory', role: 'admin' }] })
      .then(() => 'accepted', (error: unknown) => error);
    expectRejectedBeforeAcceptance(forged);
    expect(await acceptedUpdates(workflowId)).toEqual([]);

    expect(await api.temporal.workflow.getHandle(workflowId).query(tenantDeletionStateQuery)).toMatchObject({ phase: 'pending', cancelledBy: null });
    expect((await request(api.http).get('/v1/tenant/deletion').set(bearer(keys.admin)).expect(200)).body).toMatchObject({ phase: 'pending' });
    expect((await auditActions()).filter((entry) => /mallory|deletion_cancelled/.test(entry))).toEqual([]);

    const cancelled = await request(api.http).delete('/v1/tenant/deletion').set(bearer(keys.admin)).expect(200);
    expect(cancelled.body).toMatchObject({ phase: 'cancelled', cancelledBy: expect.stringMatching(/^api-key:/) });
  });
});
