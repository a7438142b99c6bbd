import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { JiraSiteConnections } from '../../libs/connectors/jira/jira-site-connections';
import { JiraSiteStore } from '../../libs/connectors/jira/jira-site-store';
import { JIRA_SCOPES } from '../../libs/connectors/jira/jira-scopes';
import { TenantScopedDatabase } from '../../libs/db';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { jiraSimulatorEnv, simulatorAtlassianOAuth } from '../support/jira-cloud';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * Connecting Jira Cloud as a tenant's admin does it, over HTTP: the consent URL, Atlassian's consent screen
 * (the simulator's), the callback, a site chosen when the grant reaches several, and the stored grant then
 * working for the sync's connector.
 */
describe('HTTP API: connecting Jira Cloud over OAuth 2.0 (3LO)', () => {
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let connections: JiraSiteConnections;
  const [ACME, EU] = ['11111111-2222-4333-8444-555555555555', '66666666-7777-4888-9999-aaaaaaaaaaaa'];

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({
      sites: [
        { cloudId: ACME, name: 'acme', projects: [{ id: '10000', key: 'DEMO', name: 'Demo' }] },
        { cloudId: EU, name: 'acme-eu', projects: [{ id: '10000', key: 'EU', name: 'Europe' }] },
      ],
      issuesPerProject: 3,
    });
    api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
    const db = new TenantScopedDatabase(api.prisma);
    connections = new JiraSiteConnections({ credentials: api.credentials as CredentialStore, sites: new JiraSiteStore(db), oauth: simulatorAtlassianOAuth(jira) });
  });
  afterAll(async () => {
    await api?.close();
    await jira?.stop();
  });

  async function newTenant(): Promise<{ tenantId: string; admin: string; agent: string; auditor: string }> {
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `jira-${Date.now()}-${Math.round(Math.random() * 1e6)}`, name: 'Jira CPA LLP' }).expect(201);
    const admin = created.body.adminApiKey.key as string;
    const keyFor = async (role: string) => (await request(api.http).post('/v1/api-keys').set(bearer(admin)).send({ name: `${role}-key`, role }).expect(201)).body.key as string;
    return { tenantId: created.body.tenant.id, admin, agent: await keyFor('agent'), auditor: await keyFor('auditor') };
  }

  /** The admin opens the consent URL in a browser; Atlassian redirects back to the callback. */
  async function consent(adminKey: string, query = ''): Promise<{ page: request.Response; callback: string }> {
    const started = await request(api.http).get(`/v1/integrations/jira/connect${query}`).set(bearer(adminKey)).expect(200);
    const back = await fetch(started.body.consentUrl, { redirect: 'manual' });
    expect(back.status).toBe(302);
    const callback = `/v1/integrations/jira/callback${new URL(back.headers.get('location')!).search}`;
    return { page: await request(api.http).get(callback), callback };
  }

  it('asks Atlassian for exactly JIRA_SCOPES with audience api.atlassian.com and prompt=consent, admins only', async () => {
    const tenant = await newTenant();
    await request(api.http).get('/v1/integrations/jira/connect').set(bearer(tenant.agent)).expect(403);
    const started = await request(api.http).get('/v1/integrations/jira/connect').set(bearer(tenant.admin)).expect(200);
    const url = new URL(started.body.consentUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${jira.authBaseUrl}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      audience: 'api.atlassian.com',
      client_id: jira.oauthClient.clientId,
      scope: JIRA_SCOPES.join(' '),
      redirect_uri: expect.stringMatching(/\/v1\/integrations\/jira\/callback$/),
      state: expect.stringMatching(/^[0-9a-f-]{36}\.[\w-]{43}$/),
      response_type: 'code',
      prompt: 'consent',
    });
    await request(api.http).get('/v1/integrations/jira/connect?site=ftp://nope').set(bearer(tenant.admin)).expect(400);
  });

  it('connects the one site a grant reaches, stores the grant encrypted with the app account, and the sync can use it', async () => {
    jira.oauth.setConsent({ accountId: jira.appAccount.accountId, cloudIds: [ACME] });
    const tenant = await newTenant();
    const { page, callback } = await consent(tenant.admin);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Custodian can now sync with https://acme.atlassian.net');
    expect((await request(api.http).get(callback)).text).toContain('already used');
    const site = await request(api.http).get('/v1/integrations/jira/site').set(bearer(tenant.auditor)).expect(200);
    expect(site.body).toEqual({
      status: 'connected',
      site: { cloudId: ACME, url: 'https://acme.atlassian.net', name: 'acme' },
      accountId: jira.appAccount.accountId,
      availableSites: [{ cloudId: ACME, url: 'https://acme.atlassian.net', name: 'acme' }],
      scopes: [...JIRA_SCOPES],
    });
    const integrations = await request(api.http).get('/v1/integrations').set(bearer(tenant.admin)).expect(200);
    expect(integrations.body).toEqual([expect.objectContaining({ provider: 'jira', status: 'active', externalAccount: 'https://acme.atlassian.net', scopes: [...JIRA_SCOPES] })]);
    expect(`${integrations.text}${site.text}`).not.toMatch(/at\.|rt\./);
    const connected = await connections.siteFor(tenant.tenantId);
    expect(connected).toMatchObject({ cloudId: ACME, siteUrl: 'https://acme.atlassian.net', accountId: jira.appAccount.accountId });
    expect((await connected.site.getIssue('DEMO-1')).data.key).toBe('DEMO-1');
  });

  it('lets the admin pick a site when the grant reaches several, refusing one it does not reach', async () => {
    jira.oauth.setConsent({ accountId: jira.appAccount.accountId });
    const tenant = await newTenant();
    const { page } = await consent(tenant.admin);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Choose a Jira site');
    expect(page.text).toContain(EU);
    const pending = await request(api.http).get('/v1/integrations/jira/site').set(bearer(tenant.admin)).expect(200);
    expect(pending.body).toMatchObject({ status: 'site_choice_pending', site: null, accountId: null, availableSites: [expect.objectContaining({ cloudId: ACME }), expect.objectContaining({ cloudId: EU })] });
    await expect(connections.siteFor(tenant.tenantId)).rejects.toMatchObject({ type: 'JiraReconsentRequired', retryable: false, message: expect.stringContaining('no site was chosen') });
    const refused = await request(api.http).put('/v1/integrations/jira/site').set(bearer(tenant.admin)).send({ cloudId: '00000000-0000-4000-8000-000000000000' }).expect(400);
    expect(refused.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'cloudId' }] });
    await request(api.http).put('/v1/integrations/jira/site').set(bearer(tenant.agent)).send({ cloudId: EU }).expect(403);
    await request(api.http).put('/v1/integrations/jira/site').set(bearer(tenant.admin)).send({}).expect(400);
    const chosen = await request(api.http).put('/v1/integrations/jira/site').set(bearer(tenant.admin)).send({ cloudId: EU }).expect(200);
    expect(chosen.body).toMatchObject({ status: 'connected', site: { cloudId: EU, url: 'https://acme-eu.atlassian.net' }, accountId: jira.appAccount.accountId });
    const connected = await connections.siteFor(tenant.tenantId);
    expect((await connected.site.getIssue('EU-1')).data.key).toBe('EU-1');
    // Consenting again (a new grant reaching both sites) keeps the site chosen.
    await consent(tenant.admin);
    expect((await request(api.http).get('/v1/integrations/jira/site').set(bearer(tenant.admin)).expect(200)).body).toMatchObject({ status: 'connected', site: { cloudId: EU } });
  });

  it('connects the site named at connect time, and refuses one the grant does not reach', async () => {
    jira.oauth.setConsent({ accountId: jira.appAccount.accountId });
    const tenant = await newTenant();
    const { page } = await consent(tenant.admin, '?site=https://acme-eu.atlassian.net');
    expect(page.text).toContain('Custodian can now sync with https://acme-eu.atlassian.net');
    jira.oauth.setConsent({ accountId: jira.appAccount.accountId, cloudIds: [ACME] });
    const other = await newTenant();
    const refused = await consent(other.admin, `?site=${EU}`);
    expect(refused.page.status).toBe(400);
    expect(refused.page.text).toContain('the grant does not reach');
    await request(api.http).get('/v1/integrations/jira/site').set(bearer(other.admin)).expect(404);
  });

  it('refuses a grant with other scopes, and a declined consent, storing nothing', async () => {
    jira.oauth.setConsent({ accountId: jira.appAccount.accountId, grantedScopes: [...JIRA_SCOPES, 'manage:jira-configuration'] });
    const tenant = await newTenant();
    const broad = await consent(tenant.admin);
    expect(broad.page.status).toBe(400);
    expect(broad.page.text).toContain('not requested: manage:jira-configuration');
    jira.oauth.setConsent({ accountId: jira.appAccount.accountId, grantedScopes: ['read:jira-work', 'offline_access'] });
    expect((await consent(tenant.admin)).page.text).toContain('missing: write:jira-work');
    jira.oauth.setConsent({ accountId: jira.appAccount.accountId, decline: true });
    const declined = await consent(tenant.admin);
    expect(declined.page.status).toBe(400);
    expect(declined.page.text).toContain('declined');
    expect((await request(api.http).get('/v1/integrations').set(bearer(tenant.admin)).expect(200)).body).toEqual([]);
    const audit = await request(api.http).get('/v1/audit/export?format=jsonl&action=integration.jira.consent').set(bearer(tenant.admin)).expect(200);
    expect(audit.text.match(/"outcome":"failure"/g)).toHaveLength(3);
  });

  it('disconnects: the grant and the site are forgotten, and the sync asks for a new connection', async () => {
    jira.oauth.setConsent({ accountId: jira.appAccount.accountId, cloudIds: [ACME] });
    const tenant = await newTenant();
    await consent(tenant.admin);
    const removed = await request(api.http).delete('/v1/integrations/jira').set(bearer(tenant.admin)).expect(200);
    expect(removed.body).toEqual({ provider: 'jira', revocation: 'not-supported-by-atlassian' });
    await request(api.http).get('/v1/integrations/jira/site').set(bearer(tenant.admin)).expect(404);
    await request(api.http).delete('/v1/integrations/jira').set(bearer(tenant.admin)).expect(404);
    await expect(connections.siteFor(tenant.tenantId)).rejects.toMatchObject({ type: 'JiraReconsentRequired', message: expect.stringContaining('not connected') });
  });
});
