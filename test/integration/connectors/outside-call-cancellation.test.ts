import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client as PgClient } from 'pg';
import { createActivities } from '../../../activities';
import { cancellingOutsideCalls } from '../../../activities/cancellable-outside-calls';
import { CredentialStore } from '../../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../../libs/connectors/google/google-workspace-connections';
import { JiraSite } from '../../../libs/connectors/jira/jira-site.connector';
import { JiraTokenRefresher } from '../../../libs/connectors/jira/jira-token-refresher';
import { EnvelopeEncryption } from '../../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase, type PrismaClient } from '../../../libs/db';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../../fakes/google/google-workspace-simulator';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../../fakes/jira/jira-cloud-simulator';
import { connectTenantToGoogle, insertTicket, simulatorOAuth } from '../../support/google-workspace';
import { simulatorAtlassianOAuth, storeJiraGrant } from '../../support/jira-cloud';
import { appPrisma, insertTenant, ownerConnection, testActivityDependencies } from '../../support/test-environment';
import { until } from '../../support/until';

const DOMAIN = 'acme.example';
/** Far longer than the test waits: a call still in flight when the activity ends was not aborted. */
const PROVIDER_STALL_MS = 20_000;

/**
 * A cancelled activity stops its Google or Jira request in flight: the simulator (real HTTP, real googleapis and
 * jira.js) sees the caller hang up, and the activity ends as cancelled at once instead of after the provider answers.
 */
describe('a cancelled activity aborts its in-flight Google and Jira requests', () => {
  let google: GoogleWorkspaceSimulator;
  let jira: JiraCloudSimulator;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let credentials: CredentialStore;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    jira = await startJiraCloudSimulator();
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    credentials = new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv()));
  });

  afterAll(async () => {
    await google?.stop();
    await jira?.stop();
    await owner?.end();
    await prisma?.$disconnect();
  });

  it('Google: the worker\'s activity is cancelled while Google holds users.get; the request is dropped and the trail says so', async () => {
    const tenantId = await insertTenant(owner);
    await connectTenantToGoogle(credentials, google, tenantId, DOMAIN);
    await insertTicket(db, tenantId, 'CT-000001', 'account_unlock');
    const activities = createActivities({ ...testActivityDependencies(db), google: new GoogleWorkspaceConnections({ credentials, oauth: simulatorOAuth(google), apiRootUrl: google.rootUrl }) });
    const isLookup = (request: { method: string; path: string }) => request.method === 'GET' && request.path.endsWith(`/users/jane%40${DOMAIN}`);
    google.delayNext(isLookup, PROVIDER_STALL_MS);
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 });
    const input = { tenantId, ticketRef: 'CT-000001', userEmail: `jane@${DOMAIN}`, requestedBy: 'api-key:agent-amy', requesterId: 'api-key:0000000a-0000-4000-8000-000000000001' };

    const lookup = env.run(activities.lookUpGoogleUser, input);
    const outcome = lookup.then(() => 'answered', (error: unknown) => error);
    expect(await until(async () => google.requests.some(isLookup), Boolean, 10_000)).toBe(true);
    const cancelledAt = Date.now();
    env.cancel();

    expect(await outcome).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
    expect(await until(async () => google.abandoned.some(isLookup), Boolean, 5_000)).toBe(true);
    const trail = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'google.user.looked_up' } }));
    expect(trail.map((event) => [event.outcome, (event.details as Record<string, unknown>).error])).toEqual([['failure', 'CancelledInFlight']]);
  });

  it('Jira: an activity cancelled while Jira holds a request aborts it', async () => {
    const tenantId = await insertTenant(owner);
    await storeJiraGrant(credentials, jira, tenantId);
    const oauth = simulatorAtlassianOAuth(jira);
    const site = new JiraSite({ host: jira.siteApiBase(), tokens: new JiraTokenRefresher({ tenantId, credentials, refresh: (refreshToken) => oauth.refresh(refreshToken) }) });
    const isServerInfo = (request: { path: string }) => request.path.endsWith('/rest/api/3/serverInfo');
    jira.delayNext(isServerInfo, PROVIDER_STALL_MS);
    const activity = cancellingOutsideCalls({ readServerInfo: () => site.serverInfo() });
    const env = new MockActivityEnvironment();

    const outcome = env.run(activity.readServerInfo).then(() => 'answered', (error: unknown) => error);
    expect(await until(async () => jira.requests.some(isServerInfo), Boolean, 10_000)).toBe(true);
    const cancelledAt = Date.now();
    env.cancel();

    expect(await outcome).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
    expect(await until(async () => jira.abandoned.some(isServerInfo), Boolean, 5_000)).toBe(true);
  });
});
