import request from 'supertest';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { customerIdOf } from '../fakes/google/simulated-workspace';
import { googleSimulatorEnv } from '../support/google-workspace';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
/** The Workspace of the admin who consents on the simulator's consent screen. */
const DOMAIN = 'ledger-partners.example';

/**
 * Connecting Google Workspace through the real OAuth flow (the simulator's consent screen, token and revoke
 * endpoints, and users.list through googleapis): the domain a tenant's admin types must belong to the
 * Workspace whose admin consented, and one Workspace belongs to one tenant.
 */
describe('HTTP API: connecting Google Workspace checks whose Workspace it is', () => {
  let google: GoogleWorkspaceSimulator;
  let api: TestApi;
  const tenants: Record<'first' | 'second', { id: string; slug: string; admin: string }> = {} as never;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    api = await startTestApi({ withWorker: false, env: googleSimulatorEnv(google) });
    for (const name of ['first', 'second'] as const) {
      const slug = `gwc-${name}-${Date.now()}`;
      const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug, name: `Connect ${name} LLP` }).expect(201);
      tenants[name] = { id: created.body.tenant.id, slug, admin: created.body.adminApiKey.key };
    }
  });

  afterAll(async () => {
    await api?.close();
    await google?.stop();
  });

  /** An admin asks for the consent URL for `domain`, the Workspace admin consents, Google redirects back: the callback's page. */
  async function connect(adminKey: string, domain: string, expectedStatus: number) {
    const started = await request(api.http).get(`/v1/integrations/google/connect?domain=${domain}`).set(bearer(adminKey)).expect(200);
    const consent = await fetch(started.body.consentUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    return request(api.http).get(`/v1/integrations/google/callback${new URL(consent.headers.get('location')!).search}`).expect(expectedStatus);
  }
  const revocations = () => google.requests.filter((entry) => entry.path === '/revoke').length;
  const integrationsOf = async (adminKey: string) => (await request(api.http).get('/v1/integrations').set(bearer(adminKey)).expect(200)).body;
  const consentEvents = async (adminKey: string) => {
    const exported = await request(api.http).get('/v1/audit/export?action=integration.google.consent').set(bearer(adminKey)).expect(200);
    return exported.text.trim().split('\n').map((line) => JSON.parse(line)).slice(1);
  };

  it('refuses a domain the consenting admin does not administer, revokes the new grant and stores nothing', async () => {
    const before = revocations();
    const page = await connect(tenants.first.admin, 'someone-else.example', 403);
    expect(page.text).toContain('does not administer someone-else.example');
    expect(google.requests).toContainEqual(expect.objectContaining({ path: '/admin/directory/v1/users', query: expect.objectContaining({ customer: 'my_customer', domain: 'someone-else.example' }) }));
    expect(revocations()).toBe(before + 1);
    expect(await integrationsOf(tenants.first.admin)).toEqual([]);
    expect(await consentEvents(tenants.first.admin)).toEqual([
      expect.objectContaining({ outcome: 'failure', target: 'someone-else.example', details: expect.objectContaining({ reason: 'domain_not_owned', revocation: 'revoked' }) }),
    ]);
  });

  it("connects the consenting admin's own domain and keeps the Google customer id it belongs to", async () => {
    const page = await connect(tenants.first.admin, DOMAIN, 200);
    expect(page.text).toContain(`Custodian can now act on users of ${DOMAIN}`);
    expect(await integrationsOf(tenants.first.admin)).toEqual([
      expect.objectContaining({ provider: 'google', status: 'active', externalAccount: DOMAIN, googleCustomerId: customerIdOf(DOMAIN) }),
    ]);
    expect((await consentEvents(tenants.first.admin)).at(-1)).toMatchObject({ outcome: 'success', target: DOMAIN, details: { customerId: customerIdOf(DOMAIN) } });
  });

  it('refuses a second tenant the same Workspace without saying which tenant holds it', async () => {
    const before = revocations();
    const page = await connect(tenants.second.admin, DOMAIN, 409);
    expect(page.text).toContain('already connected to another Custodian tenant');
    for (const revealing of [tenants.first.id, tenants.first.slug, 'Connect first LLP']) expect(page.text).not.toContain(revealing);
    expect(revocations()).toBe(before + 1);
    expect(await integrationsOf(tenants.second.admin)).toEqual([]);
    expect(await consentEvents(tenants.second.admin)).toEqual([
      expect.objectContaining({ outcome: 'failure', target: DOMAIN, details: expect.objectContaining({ reason: 'workspace_held_by_another_tenant', revocation: 'revoked' }) }),
    ]);
    // The tenant that holds it is untouched.
    expect(await integrationsOf(tenants.first.admin)).toEqual([expect.objectContaining({ status: 'active', externalAccount: DOMAIN })]);
  });

  it('lets another tenant connect the Workspace once its holder has disconnected', async () => {
    await request(api.http).delete('/v1/integrations/google').set(bearer(tenants.first.admin)).expect(200);
    await connect(tenants.second.admin, DOMAIN, 200);
    expect(await integrationsOf(tenants.second.admin)).toEqual([expect.objectContaining({ externalAccount: DOMAIN, googleCustomerId: customerIdOf(DOMAIN) })]);
  });
});
