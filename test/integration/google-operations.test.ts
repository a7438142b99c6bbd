import { WorkflowFailedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Client as PgClient } from 'pg';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import {
  ACCESS_CHANGE_WORKFLOW,
  ACCOUNT_UNLOCK_WORKFLOW,
  approvePasswordResetUpdate,
  CUSTODIAN_TASK_QUEUE,
  googleOperationStateQuery,
  googleOperationWorkflowId,
  PASSWORD_RESET_WORKFLOW,
  type AccessChangeAction,
  type GoogleOperationDecision,
  type GoogleOperationKind,
  type GoogleOperationState,
} from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { OneTimeSecretStore } from '../../libs/secrets/one-time-secret-store';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { connectTenantToGoogle, insertTicket, simulatorOAuth } from '../support/google-workspace';
import { appPrisma, insertTenant, ownerConnection, startTestWorker, temporalClient } from '../support/test-environment';
import { workflowHistoryText } from '../support/workflow-history';

const DOMAIN = 'acme.example';
const AGENT = 'api-key:agent-amy';
const AGENT_ID = 'api-key:3f0c7d51-0a52-4c1e-9b1e-5c1d2f7e8a90';
const KIND_OF: Record<string, GoogleOperationKind> = {
  [PASSWORD_RESET_WORKFLOW]: 'password-reset',
  [ACCOUNT_UNLOCK_WORKFLOW]: 'account-unlock',
  [ACCESS_CHANGE_WORKFLOW]: 'access-change',
};

/**
 * The Google operation workflows on the dev server with the real worker, real PostgreSQL and the real
 * googleapis client talking to the Workspace simulator over HTTP.
 */
describe('Google Workspace operations (real worker, PostgreSQL, simulated Google)', () => {
  let google: GoogleWorkspaceSimulator;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let credentials: CredentialStore;
  let secrets: OneTimeSecretStore;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let client: Client;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let tenantId: string;
  let ticketNumber = 0;
  let output: string[];
  let restoreOutput: () => void;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    credentials = new CredentialStore(db, encryption);
    secrets = new OneTimeSecretStore(db, encryption);
    const oauth = simulatorOAuth(google);
    worker = await startTestWorker(db, { google: new GoogleWorkspaceConnections({ credentials, oauth, apiRootUrl: google.rootUrl }) });
    temporal = await temporalClient();
    client = temporal.client;
    tenantId = await insertTenant(owner);
    await connectTenantToGoogle(credentials, google, tenantId, DOMAIN);
  });

  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
    await owner?.end();
    await prisma?.$disconnect();
    await google?.stop();
  });

  // Everything the worker and activities print, so a test can prove the password never reached a log.
  beforeEach(() => {
    output = [];
    const writes = [process.stdout, process.stderr].map((stream) => {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        output.push(String(chunk));
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      return () => (stream.write = original);
    });
    restoreOutput = () => writes.forEach((restore) => restore());
  });
  afterEach(() => restoreOutput());

  async function start(workflow: string, args: Record<string, unknown>, forTenant = tenantId) {
    const ticketRef = `CT-${String(++ticketNumber).padStart(6, '0')}`;
    const type = KIND_OF[workflow].replace('-', '_') as 'password_reset' | 'account_unlock' | 'access_change';
    await insertTicket(db, forTenant, ticketRef, type);
    const workflowId = googleOperationWorkflowId(KIND_OF[workflow], forTenant, ticketRef);
    const handle = await client.workflow.start(workflow, {
      workflowId,
      taskQueue: CUSTODIAN_TASK_QUEUE,
      args: [{ tenantId: forTenant, ticketRef, requestedBy: AGENT, requesterId: AGENT_ID, ...args }],
    });
    return { handle, ticketRef, workflowId };
  }

  const ticketOf = (ref: string, forTenant = tenantId) =>
    db.withTenant(forTenant, (tx) => tx.ticket.findUniqueOrThrow({ where: { tenantId_ref: { tenantId: forTenant, ref } }, include: { comments: true } }));
  const auditOf = (ref: string, forTenant = tenantId) =>
    db.withTenant(forTenant, (tx) => tx.auditEvent.findMany({ where: { tenantId: forTenant, details: { path: ['ticketRef'], equals: ref } }, orderBy: { seq: 'asc' } }));
  const failureOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    return (error as WorkflowFailedError).cause as Error & { type?: string };
  };

  it('resets a password with change-at-next-login, signs the user out, resolves the ticket, and never lets the password out', async () => {
    const { handle, ticketRef, workflowId } = await start(PASSWORD_RESET_WORKFLOW, { userEmail: `jane@${DOMAIN}`, signOut: true });
    const result = (await handle.result()) as GoogleOperationState;
    expect(result.step).toBe('completed');
    expect(result.history.map((entry) => entry.step)).toEqual(['checking_user', 'setting_password', 'signing_out', 'completed']);

    expect(google.passwordsSet.filter((set) => set.userKey === `jane@${DOMAIN}`)).toEqual([
      { userKey: `jane@${DOMAIN}`, password: expect.any(String), changePasswordAtNextLogin: true },
    ]);
    const password = google.passwordsSet.find((set) => set.userKey === `jane@${DOMAIN}`)!.password;
    expect(password).toMatch(/^.{20}$/);
    expect(google.users.get(`jane@${DOMAIN}`)).toMatchObject({ changePasswordAtNextLogin: true, signOuts: 1 });

    const ticket = await ticketOf(ticketRef);
    expect(ticket.status).toBe('resolved');
    expect(ticket.comments.map((comment) => comment.body)).toEqual([expect.stringContaining('must change it at next sign-in')]);

    const audit = await auditOf(ticketRef);
    expect(audit.map((event) => `${event.action} ${event.outcome}`)).toEqual(
      expect.arrayContaining(['google.user.looked_up success', 'google.user.password_set success', 'google.user.signed_out success']),
    );
    const passwordSet = audit.find((event) => event.action === 'google.user.password_set')!;
    expect(passwordSet).toMatchObject({ actor: AGENT, target: `jane@${DOMAIN}`, details: { googleRequestId: expect.stringMatching(/^[0-9a-f]{16}$/), changePasswordAtNextLogin: true } });

    const everyAuditEvent = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { tenantId } }));
    expect(JSON.stringify(everyAuditEvent, (_key, value) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(password);
    // The row the status page reads says what the workflow returned, and names the secret by its id alone.
    const [recorded] = await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ status: string; state: GoogleOperationState }[]>`SELECT * FROM google_operations WHERE workflow_id = ${workflowId}`);
    expect(recorded).toMatchObject({ status: 'COMPLETED', state: result, failure: null, requester_id: AGENT_ID, kind: 'password-reset', ticket_ref: ticketRef });
    expect(JSON.stringify(recorded)).not.toContain(password);
    const history = await workflowHistoryText(client, workflowId);
    expect(history.decrypted).toContain(`jane@${DOMAIN}`);
    expect(history.raw).not.toContain(password);
    expect(history.decrypted).not.toContain(password);
    expect(output.join('')).not.toContain(password);

    const link = await secrets.pendingLink(tenantId, result.secretId!);
    const revealed = await secrets.reveal(link!.token, 'test');
    expect(revealed.kind === 'revealed' && revealed.value.reveal()).toBe(password);
    expect(await secrets.reveal(link!.token, 'test')).toEqual({ kind: 'gone', reason: 'already_revealed' });
  });

  it('rides out two 429s (honouring Retry-After) and sets exactly one password', async () => {
    google.failNext({ method: 'PUT', path: `/admin/directory/v1/users/sam%40${DOMAIN}` }, { status: 429, retryAfter: '1' }, { status: 429, retryAfter: '1' });
    const { handle, ticketRef } = await start(PASSWORD_RESET_WORKFLOW, { userEmail: `sam@${DOMAIN}`, signOut: false });
    expect(((await handle.result()) as GoogleOperationState).step).toBe('completed');
    const puts = google.requests.filter((request) => request.method === 'PUT' && request.path.includes('sam%40'));
    expect(puts).toHaveLength(3);
    for (const put of puts) expect(put.body).toMatchObject({ password: '[redacted]', changePasswordAtNextLogin: true });
    expect(google.passwordsSet.filter((set) => set.userKey === `sam@${DOMAIN}`)).toHaveLength(1);
    const attempts = (await auditOf(ticketRef)).filter((event) => event.action === 'google.user.password_set');
    expect(attempts.map((event) => [event.outcome, (event.details as Record<string, unknown>).error ?? null])).toEqual([
      ['failure', 'GoogleRateLimited'],
      ['failure', 'GoogleRateLimited'],
      ['success', null],
    ]);
  });

  it('fails fast on a user Google does not know, and rejects the ticket saying so', async () => {
    const began = Date.now();
    const { handle, ticketRef } = await start(PASSWORD_RESET_WORKFLOW, { userEmail: `ghost@${DOMAIN}`, signOut: false });
    const cause = await failureOf(handle.result());
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(cause).toMatchObject({ type: 'GoogleUserNotFound', message: `no such user in the Workspace: Google knows no ghost@${DOMAIN}` });
    expect(google.requests.filter((request) => request.path.includes('ghost%40'))).toHaveLength(1);
    const ticket = await ticketOf(ticketRef);
    expect(ticket.status).toBe('rejected');
    expect(ticket.comments[0].body).toContain(`could not complete this: no such user in the Workspace: Google knows no ghost@${DOMAIN}`);
    expect(ticket.comments[0].body).not.toContain('userKey');
  });

  it('refuses a user outside the tenant\'s Workspace domain without asking Google', async () => {
    const before = google.requests.length;
    const { handle } = await start(PASSWORD_RESET_WORKFLOW, { userEmail: 'ceo@other.example', signOut: false });
    expect(await failureOf(handle.result())).toMatchObject({ type: 'GoogleOperationRefused', message: expect.stringContaining('not in this tenant') });
    expect(google.requests.length).toBe(before);
  });

  it('holds an administrator\'s reset for a manager\'s approval, refusing the requester, agents and other tenants', async () => {
    const { handle } = await start(PASSWORD_RESET_WORKFLOW, { userEmail: `helpdesk@${DOMAIN}`, signOut: false });
    let state: GoogleOperationState;
    do state = await handle.query(googleOperationStateQuery);
    while (state.step === 'checking_user');
    expect(state).toMatchObject({ step: 'awaiting_approval', approvalDeadline: expect.any(String) });
    expect(Date.parse(state.approvalDeadline!) - Date.now()).toBeGreaterThan(23.9 * 60 * 60 * 1000);

    const refused = async (decision: GoogleOperationDecision) => {
      const error = await handle.executeUpdate(approvePasswordResetUpdate, { args: [decision] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      return ((error as WorkflowUpdateFailedError).cause as Error).message;
    };
    // The requester is known by identity: the same key under any name is refused.
    expect(await refused({ tenantId, decidedBy: 'api-key:renamed', deciderId: AGENT_ID, role: 'manager' })).toMatch(/requester cannot approve/);
    expect(await refused({ tenantId, decidedBy: 'api-key:agent-bob', deciderId: 'api-key:b0b00000-0000-4000-8000-000000000000', role: 'agent' })).toMatch(/role agent cannot approve/);
    expect(await refused({ tenantId: '00000000-0000-4000-8000-000000000000', decidedBy: 'api-key:mia', deciderId: 'api-key:00000000-0000-4000-8000-00000000a11a', role: 'admin' })).toMatch(/another tenant/);
    expect(google.passwordsSet.filter((set) => set.userKey === `helpdesk@${DOMAIN}`)).toHaveLength(0);

    // Another key of the same name is another person: it may approve.
    const approved = await handle.executeUpdate(approvePasswordResetUpdate, { args: [{ tenantId, decidedBy: AGENT, deciderId: 'api-key:00000000-0000-4000-8000-0000000000a2', role: 'manager' }] });
    expect(approved.approvedBy).toBe(AGENT);
    expect(((await handle.result()) as GoogleOperationState).step).toBe('completed');
    expect(google.passwordsSet.filter((set) => set.userKey === `helpdesk@${DOMAIN}`)).toEqual([expect.objectContaining({ changePasswordAtNextLogin: true })]);
  });

  it('unlocks a user an admin suspended, but not one Google suspended for abuse', async () => {
    const unlock = await start(ACCOUNT_UNLOCK_WORKFLOW, { userEmail: `olly@${DOMAIN}` });
    expect(((await unlock.handle.result()) as GoogleOperationState).step).toBe('completed');
    expect(google.users.get(`olly@${DOMAIN}`)!.suspended).toBe(false);
    expect((await ticketOf(unlock.ticketRef)).status).toBe('resolved');

    const abuse = await start(ACCOUNT_UNLOCK_WORKFLOW, { userEmail: `mallory@${DOMAIN}` });
    expect(await failureOf(abuse.handle.result())).toMatchObject({ type: 'GoogleOperationRefused', message: expect.stringContaining('abuse') });
    expect(google.users.get(`mallory@${DOMAIN}`)!.suspended).toBe(true);
    expect((await ticketOf(abuse.ticketRef)).status).toBe('rejected');
    expect((await auditOf(abuse.ticketRef)).map((event) => event.action)).toContain('google.user.unsuspend_refused');
  });

  it('offboards: signs out, revokes third-party grants and app passwords, and suspends, each step audited', async () => {
    const actions: AccessChangeAction[] = ['sign_out', 'revoke_app_access', 'suspend'];
    const google_user = google.users.get(`jane@${DOMAIN}`)!;
    const signOutsBefore = google_user.signOuts;
    const { handle, ticketRef } = await start(ACCESS_CHANGE_WORKFLOW, { userEmail: `jane@${DOMAIN}`, actions });
    expect(((await handle.result()) as GoogleOperationState).step).toBe('completed');
    expect(google_user).toMatchObject({ suspended: true, tokens: [], asps: [], signOuts: signOutsBefore + 1 });
    const ticket = await ticketOf(ticketRef);
    expect(ticket.comments[0].body).toContain('(2 grants, 1 app passwords)');
    expect((await auditOf(ticketRef)).map((event) => event.action)).toEqual(
      expect.arrayContaining(['google.user.signed_out', 'google.user.grant_revoked', 'google.user.app_password_revoked', 'google.user.suspended']),
    );
  });

  it('fails with "consent again" and marks the integration when Google has revoked the tenant\'s grant', async () => {
    const revokedTenant = await insertTenant(owner);
    await connectTenantToGoogle(credentials, google, revokedTenant, DOMAIN);
    const stored = await credentials.load(revokedTenant, 'google');
    google.oauth.expireAccessToken(stored!.tokens.accessToken.reveal());
    await simulatorOAuth(google).revoke(stored!.tokens.refreshToken!);
    const { handle } = await start(PASSWORD_RESET_WORKFLOW, { userEmail: `jane@${DOMAIN}`, signOut: false }, revokedTenant);
    expect(await failureOf(handle.result())).toMatchObject({ type: 'GoogleReconsentRequired' });
    expect((await credentials.load(revokedTenant, 'google'))!.integration.status).toBe('needs_reconsent');
  });
});
