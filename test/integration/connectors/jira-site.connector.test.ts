import type { Client as PgClient } from 'pg';
import { CredentialStore } from '../../../libs/connectors/credential-store';
import type { AtlassianOAuth } from '../../../libs/connectors/jira/atlassian-oauth';
import { JiraConnectorError } from '../../../libs/connectors/jira/jira-errors';
import { JiraSite } from '../../../libs/connectors/jira/jira-site.connector';
import { JiraTokenRefresher } from '../../../libs/connectors/jira/jira-token-refresher';
import { EnvelopeEncryption } from '../../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase, type PrismaClient } from '../../../libs/db';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../../fakes/jira/jira-cloud-simulator';
import type { ScriptedJiraFault } from '../../fakes/jira/scripted-jira-faults';
import { simulatorAtlassianOAuth, storeJiraGrant } from '../../support/jira-cloud';
import { appPrisma, insertTenant, ownerConnection } from '../../support/test-environment';

const REQUEST_ID = /^[0-9a-f-]{36}$/;

describe('Jira site connector (real jira.js, tokens in PostgreSQL, simulated Atlassian over HTTP)', () => {
  let jira: JiraCloudSimulator;
  let oauth: AtlassianOAuth;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let credentials: CredentialStore;

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({ issuesPerProject: 5 });
    oauth = simulatorAtlassianOAuth(jira);
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    credentials = new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv()));
  });
  afterAll(async () => {
    await jira.stop();
    await prisma.$disconnect();
    await owner.end();
  });

  /** A tenant with a stored grant, and a connector whose tokens come from the credential store (as a worker's). */
  async function connectedTenant(expiresInSeconds = 3600) {
    const tenantId = await insertTenant(owner);
    const issued = await storeJiraGrant(credentials, jira, tenantId, { expiresInSeconds });
    const tokens = new JiraTokenRefresher({ tenantId, credentials, refresh: (refreshToken) => oauth.refresh(refreshToken) });
    jira.requests.splice(0);
    return { tenantId, issued, tokens, site: new JiraSite({ host: jira.siteApiBase(), tokens }) };
  }

  const tokenRequests = () => jira.requests.filter((request) => request.path === '/oauth/token').length;

  it('works a site as the app account and reports Jira\'s request id for every call', async () => {
    const { site } = await connectedTenant();
    const me = await site.myself();
    expect(me).toEqual({ data: expect.objectContaining({ accountId: jira.appAccount.accountId }), requestId: expect.stringMatching(REQUEST_ID) });
    const created = await site.createIssue({ project: { key: 'DEMO' }, summary: 'From Custodian', issuetype: { name: 'Task' }, description: { type: 'doc', version: 1, content: [] } }, [{ key: 'custodian', value: { ticketRef: 'CT-000007' } }]);
    await site.editIssue(created.data.key, { summary: 'Edited from Custodian', labels: ['custodian'] });
    const page = await site.searchIssues({ jql: 'issue.property[custodian].ticketRef = "CT-000007"', fields: ['summary', 'labels'] });
    expect(page.data).toEqual({ issues: [expect.objectContaining({ key: created.data.key, fields: { summary: 'Edited from Custodian', labels: ['custodian'] } })], nextPageToken: null });
    const [attachment] = (await site.addAttachment(created.data.key, { filename: 'evidence.csv', mimeType: 'text/csv', content: Buffer.from('a,b\n1,2\n') })).data;
    expect((await site.getAttachmentContent(attachment.id)).data.toString()).toBe('a,b\n1,2\n');
    const { data: changelog } = await site.getChangelog(created.data.key);
    expect(changelog.values!.every((entry) => entry.author?.accountId === jira.appAccount.accountId)).toBe(true);
    // ADF goes out as ADF: no hidden GET before an edit, so writes and requests match one to one.
    expect(jira.requests.filter((request) => request.method === 'GET' && request.path.endsWith(`/issue/${created.data.key}`))).toEqual([]);
  });

  it.each<[Extract<ScriptedJiraFault, { status: number }>, string, boolean, number | undefined]>([
    [{ status: 404 }, 'JiraNotFound', false, undefined],
    [{ status: 403 }, 'JiraPermissionDenied', false, undefined],
    [{ status: 400, errors: { summary: 'You must specify a summary of the issue.' } }, 'JiraInvalidRequest', false, undefined],
    [{ status: 429, retryAfter: '7' }, 'JiraRateLimited', true, 7000],
    [{ status: 503, retryAfter: '2' }, 'JiraUnavailable', true, 2000],
    [{ status: 500 }, 'JiraUnavailable', true, undefined],
  ])('maps %p to %s (retryable %p, retry after %p ms) after exactly one request, with Jira\'s request id and no token', async (fault, type, retryable, retryAfterMs) => {
    const { site, issued } = await connectedTenant();
    jira.failNext({ method: 'PUT' }, fault);
    const error = (await site.editIssue('DEMO-1', { summary: 'x' }).catch((caught: unknown) => caught)) as JiraConnectorError;
    expect(error).toBeInstanceOf(JiraConnectorError);
    expect(error).toMatchObject({ type, retryable, status: fault.status, retryAfterMs, requestId: expect.stringMatching(REQUEST_ID) });
    if (fault.errors) expect(error.details.errors).toEqual(fault.errors);
    expect(jira.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(issued.accessToken);
  });

  it('takes X-RateLimit-Reset as the retry delay when a 429 has no Retry-After', async () => {
    const { site } = await connectedTenant();
    jira.failNext({ method: 'GET' }, { status: 429, rateLimitReset: new Date(Date.now() + 30_000).toISOString() });
    const error = (await site.getIssue('DEMO-1').catch((caught: unknown) => caught)) as JiraConnectorError;
    expect(error.type).toBe('JiraRateLimited');
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('keeps within the burst limit Jira announces: once heard, a burst of requests is spread over the seconds it needs, with no 429', async () => {
    const { site } = await connectedTenant();
    jira.rateLimit.enable(5);
    const refusedBefore = jira.rateLimit.refused;
    try {
      await site.getIssue('DEMO-1');
      const began = Date.now();
      const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => site.getIssue(`DEMO-${1 + (index % 5)}`)));
      expect(answers).toHaveLength(12);
      expect(jira.rateLimit.refused - refusedBefore).toBe(0);
      // 13 requests at 5 a second: the last leaves two windows after the first answer (without pacing: milliseconds).
      expect(Date.now() - began).toBeGreaterThanOrEqual(1900);
    } finally {
      jira.rateLimit.disable();
    }
  });

  it('reports a dropped connection as unavailable (retryable)', async () => {
    const { site } = await connectedTenant();
    jira.failNext({ method: 'GET' }, { resetConnection: true });
    await expect(site.getIssue('DEMO-1')).rejects.toMatchObject({ type: 'JiraUnavailable', retryable: true });
  });

  it('answers a 401 with one refresh and one retry, storing the rotated refresh token before using the new access token', async () => {
    const { site, tenantId, issued } = await connectedTenant();
    await site.getIssue('DEMO-1');
    jira.requests.splice(0);
    jira.oauth.expireAccessToken(issued.accessToken);
    await site.getIssue('DEMO-2');
    expect(jira.requests.map((request) => `${request.method} ${request.path.replace(/^\/ex\/jira\/[^/]+/, '')}`)).toEqual(['GET /rest/api/3/issue/DEMO-2', 'POST /oauth/token', 'GET /rest/api/3/issue/DEMO-2']);
    const stored = (await credentials.load(tenantId, 'jira'))!.tokens;
    expect(stored.refreshToken!.reveal()).not.toBe(issued.refreshToken);
    // The stored refresh token is the live one: refreshing with it works (a stale one would revoke the grant).
    await expect(oauth.refresh(stored.refreshToken!)).resolves.toMatchObject({ scopes: expect.any(Array) });
  });

  it('gives up after a second 401: the grant itself is bad', async () => {
    const { site } = await connectedTenant();
    jira.failNext({ method: 'GET' }, { status: 401 }, { status: 401 });
    await expect(site.getIssue('DEMO-1')).rejects.toMatchObject({ type: 'JiraUnauthorized', retryable: false });
    expect(tokenRequests()).toBe(1);
  });

  it('20 workers needing a new token at once cause exactly one refresh at Atlassian', async () => {
    const { tenantId } = await connectedTenant(30);
    const refreshesBefore = jira.oauth.refreshCount;
    // One refresher per simulated worker process: nothing is shared between them but PostgreSQL.
    const workers = Array.from({ length: 20 }, () => new JiraTokenRefresher({ tenantId, credentials, refresh: (refreshToken) => oauth.refresh(refreshToken) }));
    const tokens = await Promise.all(workers.map((worker) => worker.accessToken()));
    expect(jira.oauth.refreshCount - refreshesBefore).toBe(1);
    expect(tokenRequests()).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect((await credentials.load(tenantId, 'jira'))!.tokens.accessToken.reveal()).toBe(tokens[0]);
    expect(jira.oauth.grants.every((grant) => !grant.revoked)).toBe(true);
  });

  it('a stale refresh token puts the integration in needs_reconsent and fails without retry from then on', async () => {
    const { tenantId, issued, tokens } = await connectedTenant(30);
    // Someone else used the stored refresh token (a restored backup, a second deployment): it has rotated away.
    await fetch(`${jira.authBaseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: issued.refreshToken, client_id: jira.oauthClient.clientId, client_secret: jira.oauthClient.clientSecret }) });
    jira.requests.splice(0);
    await expect(tokens.accessToken()).rejects.toMatchObject({ type: 'JiraReconsentRequired', retryable: false });
    expect((await credentials.view(tenantId, 'jira'))!.status).toBe('needs_reconsent');
    const audit = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'integration.needs_reconsent' } }));
    expect(audit).toHaveLength(1);
    await expect(new JiraTokenRefresher({ tenantId, credentials, refresh: (refreshToken) => oauth.refresh(refreshToken) }).accessToken()).rejects.toMatchObject({ type: 'JiraReconsentRequired' });
    expect(tokenRequests()).toBe(1);
  });
});
