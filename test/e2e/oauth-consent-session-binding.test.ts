import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { googleSimulatorEnv } from '../support/google-workspace';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const DOMAIN = 'bound-consent.example';
const PASSWORD = 'plum-orbit-lantern-42';

/**
 * A consent an admin starts from their signed-in browser can be completed only by that browser: the link handed
 * to anyone else (or opened in another browser) is refused at the callback. Keys (no browser) keep the state
 * bound to the tenant only.
 */
describe('HTTP API: OAuth consent started from a session is bound to that browser', () => {
  let google: GoogleWorkspaceSimulator;
  let api: TestApi;
  let tenant: { slug: string; adminKey: string };
  let session: { cookie: string; csrf: string };

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    api = await startTestApi({ withWorker: false, env: googleSimulatorEnv(google) });
    const slug = `bound-${randomBytes(4).toString('hex')}`;
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug, name: 'Bound Consent LLP' }).expect(201);
    tenant = { slug, adminKey: created.body.adminApiKey.key };
    const invited = await request(api.http).post('/v1/users/invitations').set(bearer(tenant.adminKey)).send({ email: 'it@bound.example', displayName: 'IT', role: 'admin' }).expect(201);
    await request(api.http).post('/v1/auth/invitations/accept').send({ token: invited.body.invitationToken, password: PASSWORD }).expect(200);
    const signedIn = await request(api.http).post('/v1/auth/sign-in').send({ tenant: slug, email: 'it@bound.example', password: PASSWORD }).expect(200);
    session = { cookie: signedIn.headers['set-cookie']![0]!.split(';')[0]!, csrf: signedIn.body.csrfToken };
  });

  afterAll(async () => {
    await api?.close();
    await google?.stop();
  });

  /** Starts a consent with these credentials, consents on the simulator: the callback's path and the binding cookie set, if any. */
  async function consent(credentials: Record<string, string>): Promise<{ callback: string; bindingCookie: string | undefined }> {
    const started = await request(api.http).get(`/v1/integrations/google/connect?domain=${DOMAIN}`).set(credentials).expect(200);
    const setCookie = started.headers['set-cookie']?.[0];
    const answer = await fetch(started.body.consentUrl, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    return { callback: `/v1/integrations/google/callback${new URL(answer.headers.get('location')!).search}`, bindingCookie: setCookie };
  }

  it('refuses the callback in another browser, without using the consent up, and completes it in the browser that started it', async () => {
    const { callback, bindingCookie } = await consent({ Cookie: session.cookie });
    expect(bindingCookie).toMatch(/^custodian_oauth_google=[A-Za-z0-9_-]{43}; Path=\/v1\/integrations\/google; HttpOnly; SameSite=Lax; Max-Age=600$/);

    const elsewhere = await request(api.http).get(callback).expect(400);
    expect(elsewhere.text).toContain('started in another browser session');
    await request(api.http).get(callback).set('Cookie', `custodian_oauth_google=${randomBytes(32).toString('base64url')}`).expect(400);
    // The admin's own session cookie is not what binds it (another person could have one): the binding cookie is.
    await request(api.http).get(callback).set('Cookie', session.cookie).expect(400);

    const done = await request(api.http).get(callback).set('Cookie', bindingCookie!.split(';')[0]!).expect(200);
    expect(done.text).toContain(`Custodian can now act on users of ${DOMAIN}`);
    await request(api.http).get(callback).set('Cookie', bindingCookie!.split(';')[0]!).expect(400);
  });

  it('keeps a consent started with an API key bound to the tenant only', async () => {
    await request(api.http).delete('/v1/integrations/google').set(bearer(tenant.adminKey)).expect(200);
    const { callback, bindingCookie } = await consent(bearer(tenant.adminKey));
    expect(bindingCookie).toBeUndefined();
    await request(api.http).get(callback).expect(200);
  });
});
