import request from 'supertest';
import { GOOGLE_SCOPES } from '../../libs/connectors/google/google-scopes';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { googleSimulatorEnv } from '../support/google-workspace';
import { startTestApi, type TestApi } from '../support/test-api';
import { until } from '../support/until';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const DOMAIN = 'acme.example';

/**
 * The Google Workspace flow as a tenant's people use it, over HTTP: an admin connects Workspace through
 * Google's consent screen (the simulator's), agents open tickets and ask for resets, unlocks and access
 * changes, a manager approves an administrator's reset, someone reads the temporary password once.
 */
describe('HTTP API: Google Workspace connection and operations end to end', () => {
  let google: GoogleWorkspaceSimulator;
  let api: TestApi;
  let keys: Record<'admin' | 'manager' | 'agent' | 'auditor', string>;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    api = await startTestApi({ env: googleSimulatorEnv(google) });
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `gws-${Date.now()}`, name: 'Workspace CPA LLP' }).expect(201);
    const admin = created.body.adminApiKey.key as string;
    const keyFor = async (role: string) => (await request(api.http).post('/v1/api-keys').set(bearer(admin)).send({ name: `${role}-key`, role }).expect(201)).body.key as string;
    keys = { admin, manager: await keyFor('manager'), agent: await keyFor('agent'), auditor: await keyFor('auditor') };
  });

  afterAll(async () => {
    await api?.close();
    await google?.stop();
  });

  async function openTicket(type: string): Promise<string> {
    const ticket = await request(api.http).post('/v1/tickets').set(bearer(keys.agent)).send({ type, summary: `${type} please`, requester: `jane@${DOMAIN}` }).expect(201);
    return ticket.body.ref;
  }
  const status = (path: string, key = keys.agent) => until(async () => (await request(api.http).get(path).set(bearer(key)).expect(200)).body, (body) => body.status !== 'RUNNING');

  async function connect(): Promise<void> {
    await request(api.http).get(`/v1/integrations/google/connect?domain=${DOMAIN}`).set(bearer(keys.agent)).expect(403);
    const started = await request(api.http).get(`/v1/integrations/google/connect?domain=${DOMAIN}`).set(bearer(keys.admin)).expect(200);
    const consentUrl = new URL(started.body.consentUrl);
    expect(consentUrl.searchParams.get('scope')!.split(' ')).toEqual([...GOOGLE_SCOPES]);
    expect(consentUrl.searchParams.get('access_type')).toBe('offline');
    // The Workspace admin consents in a browser; Google redirects back to the callback with a code.
    const consent = await fetch(consentUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location')!);
    const callback = `/v1/integrations/google/callback${back.search}`;
    const page = await request(api.http).get(callback).expect(200);
    expect(page.text).toContain(`Custodian can now act on users of ${DOMAIN}`);
    const replay = await request(api.http).get(callback).expect(400);
    expect(replay.text).toContain('already used');
  }

  it('connects Workspace through the consent screen: exact scopes, single-use state, token stored encrypted', async () => {
    const early = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ticketRef: await openTicket('password_reset'), userEmail: `jane@${DOMAIN}` }).expect(202);
    expect(await status(early.body.statusUrl)).toMatchObject({ status: 'FAILED', failure: { type: 'GoogleReconsentRequired' } });
    await connect();
    const forged = await request(api.http).get(`/v1/integrations/google/callback?state=00000000-0000-4000-8000-000000000000.${'A'.repeat(43)}&code=x`).expect(400);
    expect(forged.text).toContain('not started here');
    const integrations = await request(api.http).get('/v1/integrations').set(bearer(keys.admin)).expect(200);
    expect(integrations.body).toEqual([expect.objectContaining({ provider: 'google', status: 'active', externalAccount: DOMAIN, scopes: [...GOOGLE_SCOPES] })]);
    expect(integrations.text).not.toMatch(/ya29|1\/\//);
  });

  it('resets a password: 202 once, the same workflow for a repeat, 409 for a different request, and the password readable once', async () => {
    const ticketRef = await openTicket('password_reset');
    const body = { ticketRef, userEmail: `Jane@${DOMAIN}`, signOut: true };
    await request(api.http).post('/v1/password-resets').set(bearer(keys.auditor)).send(body).expect(403);
    const refused = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ...body, changePasswordAtNextLogin: false }).expect(400);
    expect(refused.body.message).toContain('property changePasswordAtNextLogin should not exist');
    await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ...body, userEmail: 'not-an-email' }).expect(400);
    await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ...body, ticketRef: 'CT-999999' }).expect(404);

    const first = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send(body).expect(202);
    expect(first.body).toMatchObject({ kind: 'password-reset', workflowId: expect.stringMatching(/^password-reset\/.+\/CT-\d{6}$/), statusUrl: `/v1/password-resets/${ticketRef}` });
    expect(first.headers.location).toBe(first.body.statusUrl);
    const again = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send(body).expect(200);
    expect(again.body.workflowId).toBe(first.body.workflowId);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const different = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ...body, signOut: false }).expect(409);
    expect(different.body.message).toContain('different request');

    const done = await status(first.body.statusUrl);
    // An absolute link, on the address the caller reached the API at: an agent pastes it as it is.
    expect(done).toMatchObject({ status: 'COMPLETED', state: { step: 'completed' }, failure: null, temporaryPassword: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1\/secrets\/.+/) } });
    const link = new URL(done.temporaryPassword.url).pathname;
    expect((await status(first.body.statusUrl, keys.auditor)).temporaryPassword).toBeNull();
    const sets = google.passwordsSet.filter((set) => set.userKey === `jane@${DOMAIN}`);
    expect(sets).toEqual([expect.objectContaining({ changePasswordAtNextLogin: true })]);

    // No GET shows or uses up the password, whatever it accepts: a browser, a chat app's preview and a mail
    // scanner (*/* or no Accept at all) get the page with its button; a JSON caller is told to POST.
    for (const accept of ['text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', '*/*', undefined]) {
      const page = await (accept ? request(api.http).get(link).set('Accept', accept) : request(api.http).get(link)).expect(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.text).toContain('Show the temporary password');
      expect(page.text).not.toContain(sets[0].password);
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    }
    const jsonGet = await request(api.http).get(link).set('Accept', 'application/json').expect(405);
    expect(jsonGet.body).toMatchObject({ statusCode: 405, code: 'method_not_allowed', message: expect.stringContaining('only by a POST') });
    expect(jsonGet.headers.allow).toBe('POST');
    expect(jsonGet.text).not.toContain(sets[0].password);
    // The same link (supertest reaches the API on a new port each time, so compare its path).
    expect(new URL((await status(first.body.statusUrl)).temporaryPassword.url).pathname).toBe(link);
    const shown = await request(api.http).post(link).expect(200);
    expect(shown.body).toMatchObject({ user: `jane@${DOMAIN}`, temporaryPassword: sets[0].password, changeAtNextSignIn: true });
    expect(shown.headers['cache-control']).toBe('no-store');
    const gone = await request(api.http).get(link).set('Accept', 'application/json').expect(410);
    expect(gone.body.code).toBe('secret_gone');
    await request(api.http).post(link).expect(410);
    const goneInBrowser = await request(api.http).post(link).set('Accept', 'text/html').type('form').send('').expect(410);
    expect(goneInBrowser.text).toContain('already shown');
    expect((await status(first.body.statusUrl)).temporaryPassword).toBeNull();
    await request(api.http).get(`/v1/secrets/${link.split('/').pop()!.slice(0, -3)}abc`).expect(404);

    const ticket = await request(api.http).get(`/v1/tickets/${ticketRef}`).set(bearer(keys.agent)).expect(200);
    expect(ticket.body.status).toBe('resolved');
    expect(await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send(body).expect(200)).toHaveProperty('body.workflowId', first.body.workflowId);
  });

  it("holds an administrator's reset until a manager approves it over the API", async () => {
    const ticketRef = await openTicket('password_reset');
    const started = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ticketRef, userEmail: `admin@${DOMAIN}` }).expect(202);
    const waiting = await until(
      async () => (await request(api.http).get(started.body.statusUrl).set(bearer(keys.agent)).expect(200)).body,
      (body) => body.state?.step === 'awaiting_approval',
    );
    expect(waiting.state.approvalDeadline).toEqual(expect.any(String));
    await request(api.http).post(`${started.body.statusUrl}/approve`).set(bearer(keys.agent)).expect(403);
    const approved = await request(api.http).post(`${started.body.statusUrl}/approve`).set(bearer(keys.manager)).expect(200);
    expect(approved.body.state.approvedBy).toBe('api-key:manager-key');
    const done = await status(started.body.statusUrl);
    expect(done).toMatchObject({ status: 'COMPLETED', state: { step: 'completed' }, temporaryPassword: { url: expect.any(String) } });
    const link = new URL(done.temporaryPassword.url).pathname;
    // The link of an approved administrator's reset goes to its requester and the approvers only: not to
    // another agent, even one whose key has the requester's key's name.
    const namesake = (await request(api.http).post('/v1/api-keys').set(bearer(keys.admin)).send({ name: 'agent-key', role: 'agent' }).expect(201)).body.key as string;
    for (const key of [keys.manager, keys.admin]) expect(new URL((await status(started.body.statusUrl, key)).temporaryPassword.url).pathname).toBe(link);
    for (const key of [namesake, keys.auditor]) expect((await status(started.body.statusUrl, key)).temporaryPassword).toBeNull();
    // The admin reads it in a browser: the page's button posts, and the answer is the password, once.
    const html = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';
    const form = await request(api.http).get(link).set('Accept', html).expect(200);
    expect(form.text).toContain(`<form method="post" action="${link}">`);
    const shown = await request(api.http).post(link).set('Accept', html).type('form').send('').expect(200);
    const password = google.passwordsSet.find((set) => set.userKey === `admin@${DOMAIN}`)!.password;
    expect(shown.text).toContain(`Temporary password for admin@${DOMAIN}`);
    expect(shown.text).toContain(password.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`));
    expect(shown.headers['cache-control']).toBe('no-store');
    await request(api.http).post(link).set('Accept', html).type('form').send('').expect(410);
    const again = await request(api.http).post(`${started.body.statusUrl}/approve`).set(bearer(keys.manager)).expect(409);
    expect(again.body.code).toBe('conflict');
  });

  it("answers an administrator's reset from PostgreSQL alone while Temporal is unreachable: awaiting approval, then completed", async () => {
    const ticketRef = await openTicket('password_reset');
    const started = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ticketRef, userEmail: `admin@${DOMAIN}` }).expect(202);
    const waiting = await until(
      async () => (await request(api.http).get(started.body.statusUrl).set(bearer(keys.agent)).expect(200)).body,
      (body) => body.state?.step === 'awaiting_approval',
    );
    const cutOff = await startTestApi({ withWorker: false, temporalAddress: '127.0.0.1:1' });
    try {
      const read = (key: string, query = '') => request(cutOff.http).get(`${started.body.statusUrl}${query}`).set(bearer(key));
      // The workflow records the step with its approval_requested audit event, a moment after it enters it.
      const pending = await until(() => read(keys.auditor), (answer) => answer.status === 200);
      expect(pending.status).toBe(200);
      expect(pending.body).toEqual({ ...waiting, temporaryPassword: null });
      expect(pending.body).toMatchObject({ status: 'RUNNING', state: { step: 'awaiting_approval', approvedBy: null, approvalDeadline: expect.any(String) }, failure: null });

      await request(api.http).post(`${started.body.statusUrl}/approve`).set(bearer(keys.manager)).expect(200);
      const live = await status(`${started.body.statusUrl}?live=true`, keys.manager);
      const done = await until(async () => (await read(keys.manager).expect(200)).body, (body) => body.status !== 'RUNNING');
      // What the row says is what the workflow says, and the one-time link is there for an approver.
      expect(done).toMatchObject({ status: 'COMPLETED', failure: null, state: { step: 'completed', approvedBy: 'api-key:manager-key', secretId: expect.any(String) } });
      expect(done.state).toEqual(live.state);
      expect(new URL(done.temporaryPassword.url).pathname).toBe(new URL(live.temporaryPassword.url).pathname);
      expect((await read(keys.auditor).expect(200)).body.temporaryPassword).toBeNull();
      // The password Google got appears in no answer read from the row.
      const password = google.passwordsSet.filter((set) => set.userKey === `admin@${DOMAIN}`).at(-1)!.password;
      expect(JSON.stringify(done)).not.toContain(password);

      const asked = await read(keys.manager, '?live=true');
      expect(asked.status).toBe(503);
      const bad = await read(keys.manager, '?live=yes').expect(400);
      expect(bad.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
      await request(cutOff.http).get(`/v1/account-unlocks/${ticketRef}`).set(bearer(keys.agent)).expect(503);
    } finally {
      await cutOff.close();
    }
  });

  it("tells approvers from the requester by their key, not its name: a namesake's key approves, the requester's own is refused", async () => {
    const issue = async () => (await request(api.http).post('/v1/api-keys').set(bearer(keys.admin)).send({ name: 'desk', role: 'manager' }).expect(201)).body.key as string;
    const requester = await issue();
    const namesake = await issue();
    const started = await request(api.http).post('/v1/password-resets').set(bearer(requester)).send({ ticketRef: await openTicket('password_reset'), userEmail: `admin@${DOMAIN}` }).expect(202);
    await until(
      async () => (await request(api.http).get(started.body.statusUrl).set(bearer(requester)).expect(200)).body,
      (body) => body.state?.step === 'awaiting_approval',
    );
    const own = await request(api.http).post(`${started.body.statusUrl}/approve`).set(bearer(requester)).expect(409);
    expect(own.body.message).toContain('the requester cannot approve their own request');
    const approved = await request(api.http).post(`${started.body.statusUrl}/approve`).set(bearer(namesake)).expect(200);
    expect(approved.body.state.approvedBy).toBe('api-key:desk');
    expect(await status(started.body.statusUrl, requester)).toMatchObject({ status: 'COMPLETED', temporaryPassword: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1\/secrets\//) } });
  });

  it('unlocks an admin-suspended user, refuses an abuse suspension with the reason, and offboards', async () => {
    const unlock = await request(api.http).post('/v1/account-unlocks').set(bearer(keys.agent)).send({ ticketRef: await openTicket('account_unlock'), userEmail: `olly@${DOMAIN}` }).expect(202);
    const unlocked = await status(unlock.body.statusUrl);
    expect(unlocked).toMatchObject({ status: 'COMPLETED' });
    // Sign-in, approval and the one-time secret are a reset's: an unlock's status has none of them.
    expect(Object.keys(unlocked.state).sort()).toEqual(['history', 'outcome', 'step']);
    expect(unlocked).not.toHaveProperty('temporaryPassword');
    expect(google.users.get(`olly@${DOMAIN}`)!.suspended).toBe(false);

    const abuse = await request(api.http).post('/v1/account-unlocks').set(bearer(keys.agent)).send({ ticketRef: await openTicket('account_unlock'), userEmail: `mallory@${DOMAIN}` }).expect(202);
    expect(await status(abuse.body.statusUrl)).toMatchObject({ status: 'FAILED', failure: { type: 'GoogleOperationRefused', message: expect.stringContaining('abuse') } });

    const offboardTicket = await openTicket('access_change');
    await request(api.http).post('/v1/access-changes').set(bearer(keys.agent)).send({ ticketRef: offboardTicket, userEmail: `sam@${DOMAIN}`, actions: ['suspend', 'unsuspend'] }).expect(400);
    await request(api.http).post('/v1/access-changes').set(bearer(keys.agent)).send({ ticketRef: offboardTicket, userEmail: `sam@${DOMAIN}`, actions: ['delete_user'] }).expect(400);
    const offboard = await request(api.http).post('/v1/access-changes').set(bearer(keys.agent)).send({ ticketRef: offboardTicket, userEmail: `sam@${DOMAIN}`, actions: ['sign_out', 'suspend'] }).expect(202);
    const offboarded = await status(offboard.body.statusUrl);
    expect(offboarded).toMatchObject({ status: 'COMPLETED', state: { step: 'completed' } });
    expect(Object.keys(offboarded.state).sort()).toEqual(['history', 'outcome', 'step']);
    expect(google.users.get(`sam@${DOMAIN}`)).toMatchObject({ suspended: true, signOuts: 1 });
  });

  it('reads no Idempotency-Key on the Google operation starts, and says so: the ticket is what makes a repeat safe', async () => {
    const body = { ticketRef: await openTicket('account_unlock'), userEmail: `olly@${DOMAIN}` };
    // A key the tickets route would refuse as malformed, then another one: neither changes the answer.
    const first = await request(api.http).post('/v1/account-unlocks').set(bearer(keys.agent)).set('Idempotency-Key', 'not a key!').send(body).expect(202);
    const again = await request(api.http).post('/v1/account-unlocks').set(bearer(keys.agent)).set('Idempotency-Key', 'another-key').send(body).expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.workflowId).toBe(first.body.workflowId);

    const document = (await request(api.http).get('/docs/openapi.json').expect(200)).body;
    for (const path of ['/v1/password-resets', '/v1/account-unlocks', '/v1/access-changes']) {
      const start = document.paths[path].post;
      expect([path, (start.parameters ?? []).map((parameter: { name: string }) => parameter.name)]).toEqual([path, []]);
      expect(start.description).toContain('the header is not read): the ticket is the key');
    }
  });

  it('disconnects by revoking the grant at Google first; operations then fail asking for consent again', async () => {
    const revokesBefore = google.requests.filter((entry) => entry.path === '/revoke').length;
    const removed = await request(api.http).delete('/v1/integrations/google').set(bearer(keys.admin)).expect(200);
    expect(removed.body).toEqual({ provider: 'google', revocation: 'revoked' });
    expect(google.requests.filter((entry) => entry.path === '/revoke')).toHaveLength(revokesBefore + 1);
    expect((await request(api.http).get('/v1/integrations').set(bearer(keys.admin)).expect(200)).body).toEqual([]);

    const after = await request(api.http).post('/v1/password-resets').set(bearer(keys.agent)).send({ ticketRef: await openTicket('password_reset'), userEmail: `jane@${DOMAIN}` }).expect(202);
    expect(await status(after.body.statusUrl)).toMatchObject({ status: 'FAILED', failure: { type: 'GoogleReconsentRequired', message: expect.stringMatching(/no longer connected|not connected/) } });
  });
});
