import request from 'supertest';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { googleSimulatorEnv } from '../support/google-workspace';
import { startTestApi, type TestApi } from '../support/test-api';
import { until } from '../support/until';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const DOMAIN = 'sso-firm.example';
const PATH = '/v1/integrations/google/sso-org-units';

/**
 * A tenant admin declares which org units sign in through the tenant's identity provider; password resets
 * then refuse those users with the reason, visible in the reset's status, and reset everyone else as before.
 */
describe('HTTP API: declared SSO org units and the password resets they govern', () => {
  let google: GoogleWorkspaceSimulator;
  let api: TestApi;
  let keys: Record<'admin' | 'agent' | 'auditor', string>;
  let otherAdmin: string;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    api = await startTestApi({ env: googleSimulatorEnv(google) });
    const newTenant = async (slug: string) => (await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug, name: `${slug} LLP` }).expect(201)).body.adminApiKey.key as string;
    const admin = await newTenant(`sso-${Date.now()}`);
    const keyFor = async (role: string) => (await request(api.http).post('/v1/api-keys').set(bearer(admin)).send({ name: `${role}-key`, role }).expect(201)).body.key as string;
    keys = { admin, agent: await keyFor('agent'), auditor: await keyFor('auditor') };
    otherAdmin = await newTenant(`sso-other-${Date.now()}`);
    const started = await request(api.http).get(`/v1/integrations/google/connect?domain=${DOMAIN}`).set(bearer(admin)).expect(200);
    const consent = await fetch(started.body.consentUrl, { redirect: 'manual' });
    await request(api.http).get(`/v1/integrations/google/callback${new URL(consent.headers.get('location')!).search}`).expect(200);
  });

  afterAll(async () => {
    await api?.close();
    await google?.stop();
  });

  it('lets only an admin declare, refuses unclear declarations with a 400 naming each problem, and stores nothing then', async () => {
    expect((await request(api.http).get(PATH).set(bearer(keys.auditor)).expect(200)).body).toEqual({ declared: false, withSso: [], withoutSso: [], updatedBy: null, updatedAt: null });
    await request(api.http).put(PATH).set(bearer(keys.agent)).send({ withSso: ['/Federated'] }).expect(403);
    await request(api.http).put(PATH).set(bearer(keys.auditor)).send({ withSso: ['/Federated'] }).expect(403);

    const refusals: [unknown, RegExp][] = [
      [{ withSso: ['Federated'] }, /"Federated" is not an org unit path/],
      [{ withSso: ['/Federated/'] }, /not an org unit path/],
      [{ withSso: ['/Fed\u0000erated'] }, /NUL character|not an org unit path/],
      [{ withSso: ['/Federated', '/federated'] }, /\/federated is listed more than once/],
      [{ withSso: ['/Federated'], withoutSso: ['/Staff'] }, /\/staff is in withoutSso but inside no org unit of withSso/],
      [{ withSso: ['/'], withoutSso: ['/'] }, /listed more than once/],
      [{ withSso: '/Federated' }, /withSso must be an array/],
      [{ withSso: Array.from({ length: 101 }, (_, i) => `/Unit${i}`) }, /withSso must contain no more than 100 elements/],
      [{}, /withSso/],
    ];
    for (const [body, message] of refusals) {
      const refused = await request(api.http).put(PATH).set(bearer(keys.admin)).send(body as object);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(refused.body.message).toMatch(message);
    }
    expect((await request(api.http).get(PATH).set(bearer(keys.admin)).expect(200)).body.declared).toBe(false);
  });

  it('stores a declaration for the tenant alone, audited with what it replaced', async () => {
    await request(api.http).put(PATH).set(bearer(keys.admin)).send({ withSso: ['/'] }).expect(200);
    const declared = await request(api.http).put(PATH).set(bearer(keys.admin)).send({ withSso: ['/Federated'], withoutSso: ['/Federated/Contractors'] }).expect(200);
    expect(declared.body).toEqual({ declared: true, withSso: ['/Federated'], withoutSso: ['/Federated/Contractors'], updatedBy: 'api-key:first-admin', updatedAt: expect.any(String) });
    expect((await request(api.http).get(PATH).set(bearer(keys.auditor)).expect(200)).body).toEqual(declared.body);
    expect((await request(api.http).get(PATH).set(bearer(otherAdmin)).expect(200)).body.declared).toBe(false);

    const exported = await request(api.http).get('/v1/audit/export?action=integration.google.sso_org_units_declared').set(bearer(keys.auditor)).expect(200);
    const events = exported.text.trim().split('\n').map((line) => JSON.parse(line)).slice(1);
    expect(events.map((event) => event.details)).toEqual([
      { withSso: ['/'], withoutSso: [], previous: null },
      { withSso: ['/Federated'], withoutSso: ['/Federated/Contractors'], previous: { withSso: ['/'], withoutSso: [] } },
    ]);
  });

  it("shows in a reset's status that an SSO user was refused, and that anyone else signs in with Google", async () => {
    const resetOf = async (userEmail: string) => {
      const ticket = await request(api.http).post('/v1/tickets').set(bearer(keys.agent)).send({ type: 'password_reset', summary: 'locked out', requester: userEmail }).expect(201);
      const started = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ticketRef: ticket.body.ref, userEmail }).expect(202);
      return until(async () => (await request(api.http).get(started.body.statusUrl).set(bearer(keys.agent)).expect(200)).body, (body) => body.status !== 'RUNNING');
    };

    const sso = await resetOf(`sam@${DOMAIN}`);
    expect(sso).toMatchObject({
      status: 'FAILED',
      state: { step: 'failed', signIn: 'sso' },
      failure: { type: 'GoogleOperationRefused', message: expect.stringContaining('signs in through this tenant\'s identity provider (SSO, org unit /Federated)') },
      temporaryPassword: null,
    });
    expect(google.passwordsSet.filter((set) => set.userKey === `sam@${DOMAIN}`)).toEqual([]);

    const other = await resetOf(`jane@${DOMAIN}`);
    expect(other).toMatchObject({ status: 'COMPLETED', state: { step: 'completed', signIn: 'google' }, temporaryPassword: { url: expect.any(String) } });
    expect(google.passwordsSet.filter((set) => set.userKey === `jane@${DOMAIN}`)).toEqual([expect.objectContaining({ changePasswordAtNextLogin: true })]);
  });
});
