import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { Client as PgClient } from 'pg';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import {
  ACCOUNT_UNLOCK_WORKFLOW,
  cancelGoogleOperationUpdate,
  googleOperationStateQuery,
  googleOperationWorkflowId,
  PASSWORD_RESET_WORKFLOW,
  type GoogleOperationInput,
  type GoogleOperationState,
  type PasswordResetInput,
} from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { connectTenantToGoogle, insertTicket, simulatorOAuth } from '../support/google-workspace';
import { appPrisma, insertTenant, ownerConnection, testActivityDependencies } from '../support/test-environment';
import { createTimeSkippingEnvironment, createTimeSkippingWorker, eventually } from '../support/time-skipping';

const DOMAIN = 'acme.example';
const TASK_QUEUE = 'password-reset-time-skipping';
const HOUR = 60 * 60 * 1000;

/** An administrator's reset waits for approval on the time-skipping server; real activities, PostgreSQL, simulator. */
describe('password reset of an administrator (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let google: GoogleWorkspaceSimulator;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let tenantId: string;
  let connections: GoogleWorkspaceConnections;

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    const credentials = new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv()));
    const oauth = simulatorOAuth(google);
    tenantId = await insertTenant(owner);
    await connectTenantToGoogle(credentials, google, tenantId, DOMAIN);
    connections = new GoogleWorkspaceConnections({ credentials, oauth, apiRootUrl: google.rootUrl });
  });

  // A fresh server per test: each one skips hours ahead, and a worker runs only once.
  beforeEach(async () => {
    env = await createTimeSkippingEnvironment();
    worker = await createTimeSkippingWorker(env, TASK_QUEUE, { ...testActivityDependencies(db), google: connections });
  }, 60_000);

  afterEach(async () => {
    await env?.teardown();
  });

  afterAll(async () => {
    await owner?.end();
    await prisma?.$disconnect();
    await google?.stop();
  });

  async function startReset(ticketRef: string) {
    await insertTicket(db, tenantId, ticketRef, 'password_reset');
    const input: PasswordResetInput = { tenantId, ticketRef, userEmail: `admin@${DOMAIN}`, requestedBy: 'api-key:agent-amy', requesterId: 'api-key:0000000a-0000-4000-8000-000000000001', signOut: false };
    const handle = await env.client.workflow.start(PASSWORD_RESET_WORKFLOW, {
      workflowId: googleOperationWorkflowId('password-reset', tenantId, ticketRef),
      taskQueue: TASK_QUEUE,
      args: [input],
    });
    await eventually(async () => expect((await handle.query(googleOperationStateQuery)).step).toBe('awaiting_approval'));
    return handle;
  }
  const ticketOf = (ref: string) =>
    db.withTenant(tenantId, (tx) => tx.ticket.findUniqueOrThrow({ where: { tenantId_ref: { tenantId, ref } }, include: { comments: { orderBy: { createdAt: 'asc' } } } }));

  it('is still waiting after 23 hours and expires unapproved after 24: audited, ticket rejected, no password set', async () => {
    await worker.runUntil(async () => {
      const handle = await startReset('CT-000001');
      const startedAt = await env.currentTimeMs();
      await env.sleep('23 hours');
      expect((await handle.query(googleOperationStateQuery)).step).toBe('awaiting_approval');

      const result = (await handle.result()) as GoogleOperationState;
      expect(result.step).toBe('expired');
      expect(await env.currentTimeMs() - startedAt).toBeGreaterThanOrEqual(24 * HOUR);
      expect(google.passwordsSet).toEqual([]);
      const ticket = await ticketOf('CT-000001');
      expect(ticket.status).toBe('rejected');
      expect(ticket.comments.map((comment) => comment.body)).toEqual([
        expect.stringContaining('a manager or admin must approve'),
        'No approval arrived within 24 hours; the password was not reset.',
      ]);
      const trail = await db.withTenant(tenantId, (tx) =>
        tx.auditEvent.findMany({ where: { action: { startsWith: 'google.password_reset' }, details: { path: ['ticketRef'], equals: 'CT-000001' } }, orderBy: { seq: 'asc' } }),
      );
      expect(trail.map((event) => `${event.action} ${event.outcome}`)).toEqual([
        'google.password_reset.approval_requested pending',
        'google.password_reset.approval_expired failure',
      ]);
    });
  });

  it('can be cancelled while it waits, by an agent of the tenant, and then takes no approval', async () => {
    await worker.runUntil(async () => {
      const handle = await startReset('CT-000002');
      await env.sleep('5 hours');
      await expect(handle.executeUpdate(cancelGoogleOperationUpdate, { args: [{ tenantId, decidedBy: 'api-key:viewer', deciderId: 'api-key:0000000a-0000-4000-8000-000000000002', role: 'auditor' }] })).rejects.toThrow();
      await handle.executeUpdate(cancelGoogleOperationUpdate, { args: [{ tenantId, decidedBy: 'api-key:agent-bob', deciderId: 'api-key:0000000a-0000-4000-8000-000000000003', role: 'agent' }] });
      expect(((await handle.result()) as GoogleOperationState).step).toBe('cancelled');
      expect(google.passwordsSet).toEqual([]);
      expect((await ticketOf('CT-000002')).status).toBe('rejected');
    });
  });

  it('offers the cancel Update only on the reset, which waits; an unlock never waits and offers none', async () => {
    await worker.runUntil(async () => {
      const reset = await startReset('CT-000003');
      await insertTicket(db, tenantId, 'CT-000004', 'account_unlock');
      const unlockInput: GoogleOperationInput = { tenantId, ticketRef: 'CT-000004', userEmail: `jane@${DOMAIN}`, requestedBy: 'api-key:agent-amy', requesterId: 'api-key:0000000a-0000-4000-8000-000000000001' };
      const unlock = await env.client.workflow.start(ACCOUNT_UNLOCK_WORKFLOW, { workflowId: googleOperationWorkflowId('account-unlock', tenantId, 'CT-000004'), taskQueue: TASK_QUEUE, args: [unlockInput] });
      await unlock.result();
      // What the Temporal UI lists as the workflow's Updates (the SDK's built-in metadata query).
      const updatesOf = async (handle: typeof reset | typeof unlock) =>
        ((await handle.query<{ definition?: { updateDefinitions?: { name?: string }[] } }>('__temporal_workflow_metadata')).definition?.updateDefinitions ?? []).map((update) => update.name);
      expect(await updatesOf(reset)).toContain(cancelGoogleOperationUpdate.name);
      expect(await updatesOf(unlock)).toEqual([]);
      await reset.terminate('test over');
    });
  });
});
