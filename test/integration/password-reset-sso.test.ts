import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { Client as PgClient } from 'pg';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleSsoOrgUnitsStore } from '../../libs/connectors/google/google-sso-org-units-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import { CUSTODIAN_TASK_QUEUE, googleOperationStateQuery, googleOperationWorkflowId, PASSWORD_RESET_WORKFLOW, type GoogleOperationState } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { connectTenantToGoogle, insertTicket, simulatorOAuth } from '../support/google-workspace';
import { appPrisma, insertTenant, ownerConnection, startTestWorker, temporalClient } from '../support/test-environment';

const DOMAIN = 'acme.example';
const AGENT = 'api-key:agent-amy';
const AGENT_ID = 'api-key:5d0a3c1e-7f1b-4e2a-9c3d-2b1a0f9e8d7c';
const CHANGE_AT_NEXT_SIGN_IN = 'must change it at next sign-in';

/**
 * Password resets of users who sign in through the tenant's identity provider, on the real worker, PostgreSQL
 * and the Workspace simulator (whose users.get returns each user's orgUnitPath: sam is in /Federated, jane in
 * /Staff, admin in /). Google ignores change-at-next-login for SSO users, so Custodian refuses to reset them.
 */
describe('password reset of single sign-on users (real worker, PostgreSQL, simulated Google)', () => {
  let google: GoogleWorkspaceSimulator;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let client: Client;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let ssoOrgUnits: GoogleSsoOrgUnitsStore;
  let ticketNumber = 0;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    const credentials = new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv()));
    worker = await startTestWorker(db, { google: new GoogleWorkspaceConnections({ credentials, oauth: simulatorOAuth(google), apiRootUrl: google.rootUrl }) });
    temporal = await temporalClient();
    client = temporal.client;
    ssoOrgUnits = new GoogleSsoOrgUnitsStore(db);
  });

  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
    await owner?.end();
    await prisma?.$disconnect();
    await google?.stop();
  });

  async function tenantWithSso(layout: { withSso: string[]; withoutSso: string[] } | undefined): Promise<string> {
    const tenantId = await insertTenant(owner);
    await connectTenantToGoogle(new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv())), google, tenantId, DOMAIN);
    if (layout) await ssoOrgUnits.declare(tenantId, layout, 'api-key:tenant-admin');
    return tenantId;
  }

  async function reset(tenantId: string, userEmail: string) {
    const ticketRef = `CT-${String(++ticketNumber).padStart(6, '0')}`;
    await insertTicket(db, tenantId, ticketRef, 'password_reset');
    const handle = await client.workflow.start(PASSWORD_RESET_WORKFLOW, {
      workflowId: googleOperationWorkflowId('password-reset', tenantId, ticketRef),
      taskQueue: CUSTODIAN_TASK_QUEUE,
      args: [{ tenantId, ticketRef, userEmail, requestedBy: AGENT, requesterId: AGENT_ID, signOut: true }],
    });
    const outcome = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    const state = await handle.query(googleOperationStateQuery);
    const ticket = await db.withTenant(tenantId, (tx) => tx.ticket.findUniqueOrThrow({ where: { tenantId_ref: { tenantId, ref: ticketRef } }, include: { comments: true } }));
    const audit = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { details: { path: ['ticketRef'], equals: ticketRef } }, orderBy: { seq: 'asc' } }));
    return { outcome, state, ticket, audit };
  }
  const passwordsSetFor = (email: string) => google.passwordsSet.filter((set) => set.userKey === email);

  it('refuses an SSO user before touching the password, and says why on the ticket and in the status', async () => {
    const tenantId = await tenantWithSso({ withSso: ['/Federated'], withoutSso: [] });
    const { outcome, state, ticket, audit } = await reset(tenantId, `sam@${DOMAIN}`);

    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toMatchObject({ type: 'GoogleOperationRefused', message: expect.stringContaining('identity provider') });
    expect(state).toMatchObject<Partial<GoogleOperationState>>({ step: 'failed', signIn: 'sso', secretId: null });
    expect(state.history.map((entry) => entry.step)).toEqual(['checking_user', 'failed']);
    expect(passwordsSetFor(`sam@${DOMAIN}`)).toEqual([]);
    expect(google.requests.filter((request) => request.path.includes('sam%40') && request.method !== 'GET')).toEqual([]);
    expect(google.users.get(`sam@${DOMAIN}`)).toMatchObject({ changePasswordAtNextLogin: false, signOuts: 0 });

    expect(ticket.status).toBe('rejected');
    expect(ticket.comments.map((comment) => comment.body)).toEqual([
      expect.stringMatching(/signs in through this tenant's identity provider \(SSO, org unit \/Federated\).*the password was not changed\. Reset it at the identity provider\./),
    ]);
    expect(ticket.comments[0].body).not.toContain(CHANGE_AT_NEXT_SIGN_IN);
    expect(audit.map((event) => `${event.action} ${event.outcome}`)).toEqual(['google.user.looked_up success', 'google.password_reset.refused failure']);
    expect(audit[1].details).toMatchObject({ reason: 'signs_in_through_sso', orgUnitPath: '/Federated' });
    expect(await db.withTenant(tenantId, (tx) => tx.oneTimeSecret.count())).toBe(0);
  });

  it('resets a user outside the SSO org units exactly as before: change-at-next-login set and promised', async () => {
    const tenantId = await tenantWithSso({ withSso: ['/Federated'], withoutSso: [] });
    const { outcome, state, ticket } = await reset(tenantId, `jane@${DOMAIN}`);

    expect(outcome).toBeUndefined();
    expect(state).toMatchObject({ step: 'completed', signIn: 'google', secretId: expect.any(String) });
    expect(passwordsSetFor(`jane@${DOMAIN}`).at(-1)).toMatchObject({ changePasswordAtNextLogin: true });
    expect(ticket.status).toBe('resolved');
    expect(ticket.comments.map((comment) => comment.body)).toEqual([
      `Temporary password set; jane@${DOMAIN} must change it at next sign-in and was signed out of every session. The one-time link is shown to this ticket's handlers on the reset's status page.`,
    ]);
  });

  it('with SSO for every user but a carved-out org unit: an administrator is refused before any approval, the carved-out user is reset', async () => {
    const tenantId = await tenantWithSso({ withSso: ['/'], withoutSso: ['/staff'] });
    const admin = await reset(tenantId, `admin@${DOMAIN}`);
    expect(admin.state).toMatchObject({ step: 'failed', signIn: 'sso', approvalDeadline: null });
    expect(admin.ticket.comments[0].body).toContain('org unit /');
    expect(passwordsSetFor(`admin@${DOMAIN}`)).toEqual([]);

    const jane = await reset(tenantId, `jane@${DOMAIN}`);
    expect(jane.state).toMatchObject({ step: 'completed', signIn: 'google' });
  });

  it('does not promise change-at-next-login unconditionally while the tenant has declared no SSO org units', async () => {
    const tenantId = await tenantWithSso(undefined);
    const { state, ticket } = await reset(tenantId, `jane@${DOMAIN}`);
    expect(state).toMatchObject({ step: 'completed', signIn: 'undeclared' });
    expect(passwordsSetFor(`jane@${DOMAIN}`).at(-1)).toMatchObject({ changePasswordAtNextLogin: true });
    expect(ticket.comments[0].body).toContain(`${CHANGE_AT_NEXT_SIGN_IN} if they sign in with Google`);
    expect(ticket.comments[0].body).toContain('has not declared which org units sign in through an identity provider');
  });
});
