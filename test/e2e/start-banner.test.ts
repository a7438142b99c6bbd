import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { consoleInvitationCommand, startBanner } from '../../scripts/start-banner';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { connectTenantToGoogle, googleSimulatorEnv } from '../support/google-workspace';
import { startTestApi, type TestApi } from '../support/test-api';

const DOMAIN = 'demo.example';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** What a newcomer pastes: the banner's "Try it" lines, as printed, without their indentation. */
function tryItLines(banner: string): string {
  const lines = banner.split('\n');
  const start = lines.findIndex((line) => line.includes('Try it: paste these lines into bash')) + 1;
  const end = lines.indexOf('', start);
  return lines.slice(start, end).map((line) => line.replace(/^ {4}/, '')).join('\n');
}

function bash(script: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', script], { timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout))),
  );
}

describe('npm start banner: its commands, pasted into bash against the API', () => {
  let google: GoogleWorkspaceSimulator;
  let api: TestApi;
  let apiUrl: string;
  let tenantId: string;
  let adminApiKey: string;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    api = await startTestApi({ env: googleSimulatorEnv(google) });
    await api.app.listen(0, '127.0.0.1');
    apiUrl = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `banner-${Date.now()}`, name: 'Banner Co' }).expect(201);
    tenantId = created.body.tenant.id;
    adminApiKey = created.body.adminApiKey.key;
    await connectTenantToGoogle(api.credentials, google, tenantId, DOMAIN);
  });

  afterAll(async () => {
    await api?.close();
    await google?.stop();
  });

  it('open a ticket and reset the password of that ticket, not of CT-000001, with absolute links and a key on every line', async () => {
    // A second start: the tenant already has an unrelated ticket, CT-000001.
    const old = await request(api.http).post('/v1/tickets').set(bearer(adminApiKey)).send({ type: 'general', summary: 'load', requester: `olly@${DOMAIN}` }).expect(201);
    expect(old.body.ref).toBe('CT-000001');

    const banner = startBanner({ apiUrl, codecUrl: `${apiUrl.replace('127.0.0.1', 'localhost')}/codec`, temporalAddress: '127.0.0.1:7233', demo: { tenantId, adminApiKey }, domain: DOMAIN });
    const script = tryItLines(banner);
    for (const curl of script.split('\n').filter((line) => line.includes('curl '))) {
      expect(curl).toContain(`-H 'Authorization: Bearer ${adminApiKey}'`);
      expect(curl).toMatch(new RegExp(`curl -s (-X POST )?${apiUrl.replace(/\./g, '\\.')}/v1/`));
    }

    const [ticketLine, started, state] = (await bash(script)).trim().split('\n');
    expect(ticketLine).toBe('ticket CT-000002');
    expect(JSON.parse(started!)).toMatchObject({ kind: 'password-reset', ticketRef: 'CT-000002' });
    expect(JSON.parse(state!)).toMatchObject({ kind: 'password-reset', ticketRef: 'CT-000002' });
    expect((await request(api.http).get('/v1/tickets/CT-000001').set(bearer(adminApiKey)).expect(200)).body.status).not.toBe('resolved');

    // The last line again, as the newcomer would, until the reset is done; then its one-time link as it is.
    const statusLine = script.split('\n').pop()!;
    let done: { status: string; temporaryPassword?: { url: string } | null } = JSON.parse(state!);
    for (let attempt = 0; attempt < 60 && done.status === 'RUNNING'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      done = JSON.parse((await bash(`REF=CT-000002\n${statusLine}`)).trim());
    }
    expect(done.status).toBe('COMPLETED');
    expect(done.temporaryPassword!.url).toMatch(new RegExp(`^${apiUrl.replace(/\./g, '\\.')}/v1/secrets/`));
    const shown = JSON.parse(await bash(`curl -s -X POST '${done.temporaryPassword!.url}'`));
    expect(shown).toMatchObject({ user: `jane@${DOMAIN}`, temporaryPassword: google.passwordsSet.find((set) => set.userKey === `jane@${DOMAIN}`)!.password });
  }, 90_000);

  it('prints a console invitation line that, pasted into bash, gives a link a person accepts and then signs in with', async () => {
    const banner = startBanner({ apiUrl, codecUrl: `${apiUrl}/codec`, temporalAddress: '127.0.0.1:7233', demo: { tenantId, adminApiKey }, domain: DOMAIN });
    const command = consoleInvitationCommand({ apiUrl, demo: { tenantId, adminApiKey }, domain: DOMAIN });
    expect(banner).toContain(command.split('\n').map((line) => `    ${line}`).join('\n'));
    const link = (await bash(command)).trim();
    expect(link).toMatch(new RegExp(`^${apiUrl.replace(/\./g, '\\.')}/tenant/#invitation=\\S+$`));
    const token = decodeURIComponent(link.split('#invitation=')[1]!);
    const password = 'correct horse battery staple 42';
    const accepted = await request(api.http).post('/v1/auth/invitations/accept').send({ token, password }).expect(200);
    const slug = accepted.body.tenant as string;
    const signedIn = await request(api.http).post('/v1/auth/sign-in').send({ tenant: slug, email: accepted.body.user.email, password }).expect(200);
    expect(signedIn.body.user).toMatchObject({ role: 'admin', tenantId });
  });
});
