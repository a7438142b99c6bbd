/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { totpCode, totpStep } from '../../apps/api/src/users/totp';
import { freePort } from '../../libs/config/free-port';
import { repoRoot } from '../../libs/config/repo-root';
import { tenantDeletionWorkflowId, type TenantDeletionResult } from '../../libs/contracts';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { googleSimulatorEnv } from '../support/google-workspace';
import { startTestApi, type TestApi } from '../support/test-api';
import { until } from '../support/until';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const OUTPUT = join(repoRoot(), 'test-output');
const DOMAIN = 'console.example';
const ADMIN_PASSWORD = 'harbour-quince-violet-17';
const MANAGER_PASSWORD = 'saffron-ledger-canyon-58';
const AUDITOR_PASSWORD = 'granite-meadow-tulip-93';

/** Base32 (RFC 4648) back to bytes: what an authenticator app does with the key the console shows. */
function fromBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/**
 * The tenant console in real Chromium (Debian's, driven by playwright-core) against the real API, worker and
 * Temporal, with Google's side played by the Workspace simulator. The tests run in order and share one tenant:
 * its first admin accepts the invitation, signs in, enrols an authenticator and signs in with a code; invites a
 * manager who accepts through the link; the manager approves an administrator's reset an agent's key started;
 * an auditor sees everything and can change nothing; the admin cancels the pending deletion.
 */
describe('tenant console in Chromium', () => {
  let google: GoogleWorkspaceSimulator;
  let api: TestApi;
  let browser: Browser;
  let baseUrl: string;
  let tenant: { id: string; slug: string; adminKey: string };
  let adminPage: Page;
  let managerContext: BrowserContext;
  let managerPage: Page;
  const adminEmail = 'dana@console.example';
  const managerEmail = 'morgan@console.example';
  const auditorEmail = 'avery@console.example';
  let waitingForOthers: string;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    // Google sends the browser back to the configured callback, so the API listens where that says.
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = await startTestApi({ env: { ...googleSimulatorEnv(google), GOOGLE_OAUTH_REDIRECT_URI: `${baseUrl}/v1/integrations/google/callback` } });
    await api.app.listen(port, '127.0.0.1');
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      // Headless as root on a closed network: no sandbox, and none of Chromium's own background traffic.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(OUTPUT, { recursive: true });
    const slug = `console-${Date.now()}`;
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug, name: 'Console CPA LLP' }).expect(201);
    tenant = { id: created.body.tenant.id, slug, adminKey: created.body.adminApiKey.key };
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await google?.stop();
  });

  async function acceptInvitation(page: Page, link: string, password: string): Promise<void> {
    await page.goto(link);
    await page.waitForSelector('#invitation', { state: 'visible' });
    await page.fill('#invitation-password', password);
    await page.click('#invitation-form button[type=submit]');
    await page.waitForSelector('#signin', { state: 'visible' });
    expect(await page.textContent('#signin-note')).toContain('Your account is ready');
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.fill('#signin-tenant', tenant.slug);
    await page.fill('#signin-email', email);
    await page.fill('#signin-password', password);
    await page.click('#signin-form button[type=submit]');
  }

  it('the first admin accepts the invitation, signs in, enrols an authenticator from the QR code, and then signs in with a code', async () => {
    const invited = await request(api.http).post('/v1/users/invitations').set(bearer(tenant.adminKey)).send({ email: adminEmail, displayName: 'Dana Whitfield', role: 'admin' }).expect(201);
    adminPage = await browser.newPage();
    await acceptInvitation(adminPage, `${baseUrl}/tenant/#invitation=${encodeURIComponent(invited.body.invitationToken)}`, ADMIN_PASSWORD);
    expect(await adminPage.inputValue('#signin-tenant')).toBe(tenant.slug);
    expect(await adminPage.inputValue('#signin-email')).toBe(adminEmail);
    expect(adminPage.url()).toBe(`${baseUrl}/tenant/`);

    await signIn(adminPage, adminEmail, 'not-the-password-at-all');
    await adminPage.waitForFunction(() => document.getElementById('signin-error')!.textContent !== '');
    await adminPage.fill('#signin-password', ADMIN_PASSWORD);
    await adminPage.click('#signin-form button[type=submit]');
    await adminPage.waitForSelector('#console', { state: 'visible' });
    await adminPage.waitForFunction(() => document.getElementById('who')!.textContent!.includes('Console CPA LLP'));
    expect(await adminPage.textContent('#who')).toBe(`Dana Whitfield (${adminEmail}) · admin · Console CPA LLP (${tenant.slug})`);
    expect(await adminPage.textContent('#otp-state')).toContain('Off');

    await adminPage.click('#start-otp-enrolment');
    await adminPage.waitForSelector('#otp-enrolment', { state: 'visible' });
    // The QR code is an SVG drawn as an image from a data: URL, which the page's CSP allows and which runs nothing.
    expect(await adminPage.getAttribute('#otp-qr', 'src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    await adminPage.waitForFunction(() => (document.getElementById('otp-qr') as HTMLImageElement).naturalWidth > 0);
    const secret = fromBase32((await adminPage.textContent('#otp-secret'))!);
    const step = totpStep(new Date());
    await adminPage.fill('#otp-confirm-code', totpCode(secret, step));
    await adminPage.click('#otp-confirm-form button[type=submit]');
    await adminPage.waitForSelector('#recovery', { state: 'visible' });
    expect(await adminPage.locator('#recovery-codes li').count()).toBe(10);
    expect(await adminPage.textContent('#otp-state')).toContain('On');
    await adminPage.screenshot({ path: join(OUTPUT, 'tenant-console-otp-recovery-codes.png'), fullPage: true });

    await adminPage.click('#sign-out');
    await adminPage.waitForSelector('#signin', { state: 'visible' });
    await signIn(adminPage, adminEmail, ADMIN_PASSWORD);
    await adminPage.waitForSelector('#signin-otp-field', { state: 'visible' });
    // The code the confirmation used is spent; the next step's code (within the allowed drift) is fresh.
    await adminPage.fill('#signin-otp', totpCode(secret, step + 1));
    await adminPage.click('#signin-form button[type=submit]');
    await adminPage.waitForSelector('#console', { state: 'visible' });
    await adminPage.waitForSelector('#audit-events tr');
    expect(await adminPage.textContent('#audit-events')).toContain('auth.sign_in');
    expect(await adminPage.textContent('#integration-rows tr[data-provider=google]')).toContain('not connected');
  });

  it('the admin connects Google Workspace from the console: the consent comes back to this browser and the integration shows active', async () => {
    await adminPage.fill('#google-domain', DOMAIN);
    await adminPage.click('#connect-google');
    // The simulator's consent screen consents at once and redirects to the callback.
    await adminPage.waitForURL(/\/v1\/integrations\/google\/callback\?/);
    expect(await adminPage.textContent('body')).toContain(`Custodian can now act on users of ${DOMAIN}`);
    await adminPage.goto(`${baseUrl}/tenant/`);
    await adminPage.waitForSelector('#integration-rows tr[data-provider=google]');
    expect(await adminPage.textContent('#integration-rows tr[data-provider=google]')).toContain(`active${DOMAIN}`);
    expect(await adminPage.textContent('#integration-rows tr[data-provider=jira]')).toContain('not connected');
  });

  it('the admin invites a manager in the console; the manager accepts through the copied link and sees only what a manager may', async () => {
    await adminPage.fill('#invite-email', managerEmail);
    await adminPage.fill('#invite-name', 'Morgan Lee');
    await adminPage.selectOption('#invite-role', 'manager');
    await adminPage.click('#invite');
    await adminPage.waitForSelector('#invitation-result', { state: 'visible' });
    const link = await adminPage.inputValue('#invitation-link');
    expect(link).toMatch(new RegExp(`^${baseUrl.replace(/\./g, '\\.')}/tenant/#invitation=`));
    await adminPage.waitForSelector(`#user-rows tr[data-email="${managerEmail}"]`);
    expect(await adminPage.textContent(`#user-rows tr[data-email="${managerEmail}"]`)).toContain('invited');

    // The manager opens the link in their own browser (their own cookies).
    managerContext = await browser.newContext();
    managerPage = await managerContext.newPage();
    await acceptInvitation(managerPage, link, MANAGER_PASSWORD);
    await signIn(managerPage, managerEmail, MANAGER_PASSWORD);
    await managerPage.waitForSelector('#console', { state: 'visible' });
    expect(await managerPage.textContent('#who')).toContain('Morgan Lee');
    expect(await managerPage.isVisible('#pending')).toBe(true);
    for (const section of ['#users', '#deletion', '#integrations', '#support', '#export', '#audit']) expect(await managerPage.isHidden(section)).toBe(true);
    expect(await managerPage.locator('#invite-form, #cancel-deletion, #deletion-form').count()).toBe(0);

    await adminPage.reload();
    await adminPage.waitForSelector(`#user-rows tr[data-email="${managerEmail}"]`);
    expect(await adminPage.textContent(`#user-rows tr[data-email="${managerEmail}"]`)).toContain('active');
  });

  it("an agent's key starts a reset of a Workspace administrator; the manager approves it in the console and the password is reset", async () => {
    const agentKey = (await request(api.http).post('/v1/api-keys').set(bearer(tenant.adminKey)).send({ name: 'helpdesk', role: 'agent' }).expect(201)).body.key as string;
    const openTicket = async (summary: string) =>
      (await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send({ type: 'password_reset', summary, requester: `it@${DOMAIN}` }).expect(201)).body.ref as string;
    const ticketRef = await openTicket(`Reset the password of admin@${DOMAIN}`);
    const started = await request(api.http).post('/v1/password-resets').set(bearer(agentKey)).send({ ticketRef, userEmail: `admin@${DOMAIN}` }).expect(202);

    // A reset the manager asks for themselves (with their session, as any client of the API could): listed to
    // them, but without an Approve button.
    waitingForOthers = await openTicket(`Reset the password of super@${DOMAIN}`);
    const ownStatus = await managerPage.evaluate(async (ref) => {
      const session = await (await fetch('/v1/auth/session')).json();
      const response = await fetch('/v1/password-resets', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
        body: JSON.stringify({ ticketRef: ref, userEmail: 'admin@console.example' }),
      });
      return response.status;
    }, waitingForOthers);
    expect(ownStatus).toBe(202);

    // Temporal's visibility shows a started workflow a moment later: refresh until both are listed.
    const listed = await until(
      async () => {
        await managerPage.click('#refresh-pending');
        await managerPage.waitForTimeout(300);
        return managerPage.locator(`#pending-resets tr[data-ticket="${ticketRef}"], #pending-resets tr[data-ticket="${waitingForOthers}"]`).count();
      },
      (count) => count === 2,
    );
    expect(listed).toBe(2);
    expect(await managerPage.locator(`#pending-resets tr[data-ticket="${waitingForOthers}"] button`).count()).toBe(0);
    expect(await managerPage.textContent(`#pending-resets tr[data-ticket="${waitingForOthers}"]`)).toContain('You asked for it');
    expect(google.passwordsSet.filter((set) => set.userKey === `admin@${DOMAIN}`)).toEqual([]);
    // The same list over the API, for the agent's key, which asked for the first.
    const forAgent = await request(api.http).get('/v1/password-resets?status=awaiting_approval').set(bearer(agentKey)).expect(200);
    expect(forAgent.body).toEqual([
      { ticketRef, summary: `Reset the password of admin@${DOMAIN}`, statusUrl: `/v1/password-resets/${ticketRef}`, approvalDeadline: expect.any(String), requestedByYou: true },
      { ticketRef: waitingForOthers, summary: `Reset the password of super@${DOMAIN}`, statusUrl: `/v1/password-resets/${waitingForOthers}`, approvalDeadline: expect.any(String), requestedByYou: false },
    ]);
    const elsewhere = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `${tenant.slug}-other`, name: 'Other LLP' }).expect(201);
    await request(api.http).get('/v1/password-resets?status=awaiting_approval').set(bearer(elsewhere.body.adminApiKey.key)).expect(200, []);
    const unknown = await request(api.http).get('/v1/password-resets?status=completed').set(bearer(agentKey)).expect(400);
    expect(unknown.body.code).toBe('validation_failed');
    await managerPage.screenshot({ path: join(OUTPUT, 'tenant-console-awaiting-approval.png'), fullPage: true });

    await managerPage.click(`#pending-resets tr[data-ticket="${ticketRef}"] button.approve`);
    await managerPage.waitForFunction((ref) => document.getElementById('pending-status')!.textContent === `Approved ${ref}: the password is being reset.`, ticketRef);
    const done = await until(
      async () => (await request(api.http).get(started.body.statusUrl).set(bearer(agentKey)).expect(200)).body,
      (body) => body.status !== 'RUNNING',
    );
    expect(done).toMatchObject({ status: 'COMPLETED', state: { step: 'completed', approvedBy: `user:${managerEmail}` } });
    expect(google.passwordsSet.filter((set) => set.userKey === `admin@${DOMAIN}`)).toEqual([expect.objectContaining({ changePasswordAtNextLogin: true })]);
    await managerPage.waitForFunction((ref) => !document.querySelector(`#pending-resets tr[data-ticket="${ref}"]`), ticketRef);
  });

  it('an auditor sees the users, the deletion countdown, integrations, support access and the audit trail, and has nothing to click that changes them', async () => {
    await request(api.http).post('/v1/tenant/deletion').set(bearer(tenant.adminKey)).send({ requesterEmail: adminEmail }).expect(202);
    await request(api.http).post('/v1/support-access').set(bearer(api.operatorKey)).send({ tenantId: tenant.id, reason: 'Ticket CON-7: reset stuck', minutes: 30 }).expect(201);
    const invited = await request(api.http).post('/v1/users/invitations').set(bearer(tenant.adminKey)).send({ email: auditorEmail, displayName: 'Avery Stone', role: 'auditor' }).expect(201);
    await request(api.http).post('/v1/auth/invitations/accept').send({ token: invited.body.invitationToken, password: AUDITOR_PASSWORD }).expect(200);

    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${baseUrl}/tenant/`);
      await signIn(page, auditorEmail, AUDITOR_PASSWORD);
      await page.waitForSelector('#console', { state: 'visible' });
      await page.waitForSelector('#deletion-pending', { state: 'visible' });
      await page.waitForSelector(`#pending-resets tr[data-ticket="${waitingForOthers}"]`);
      await page.waitForSelector('#support-rows tr');
      await page.waitForSelector(`#user-rows tr[data-email="${managerEmail}"]`);
      expect(await page.textContent('#countdown')).toMatch(/^6 d 23 h 5\d min \d\d s$/);
      expect(await page.textContent('#support-rows')).toContain('Ticket CON-7: reset stuck');
      expect(await page.textContent('#integration-rows tr[data-provider=google]')).toContain('active');
      await page.click('#verify-audit');
      await page.waitForFunction(() => document.getElementById('verify-result')!.textContent!.startsWith('The chain verifies'));
      const exported = await page.evaluate(async () => {
        const response = await fetch(document.querySelector<HTMLAnchorElement>('#audit-export-jsonl')!.href);
        return { status: response.status, text: await response.text() };
      });
      expect(exported.status).toBe(200);
      expect(exported.text).toContain('"type":"chain_head"');

      // Nothing that changes anything: no Approve, Cancel, Invite, Deactivate, End or Export, and the policy box is read only.
      expect(await page.locator('button.approve, #cancel-deletion, #invite-form, #invite, button.deactivate, button.unlock, button.end-support, #deletion-form').count()).toBe(0);
      expect(await page.isHidden('#export')).toBe(true);
      expect(await page.isDisabled('#require-otp')).toBe(true);
      await page.screenshot({ path: join(OUTPUT, 'tenant-console-auditor.png'), fullPage: true });

      // A request forged from the auditor's own page, with the session's CSRF token, is still refused by role.
      const forged = await page.evaluate(async (ref) => {
        const session = await (await fetch('/v1/auth/session')).json();
        const headers = { 'X-CSRF-Token': session.csrfToken };
        const cancel = await fetch('/v1/tenant/deletion', { method: 'DELETE', headers });
        const approve = await fetch(`/v1/password-resets/${ref}/approve`, { method: 'POST', headers });
        const invite = await fetch('/v1/users/invitations', {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: 'mallory@console.example', displayName: 'Mallory', role: 'admin' }),
        });
        return [cancel.status, (await cancel.json()).code, approve.status, invite.status];
      }, waitingForOthers);
      expect(forged).toEqual([403, 'forbidden', 403, 403]);
    } finally {
      await context.close();
    }
    const tenantNow = await request(api.http).get('/v1/tenant').set(bearer(tenant.adminKey)).expect(200);
    expect(tenantNow.body.status).toBe('pending_deletion');
  });

  it('the admin sees the pending deletion with a live countdown after a reload, cancels it, and deactivating the manager ends their session', async () => {
    await adminPage.reload();
    await adminPage.waitForSelector('#deletion-pending', { state: 'visible' });
    expect(await adminPage.textContent('#support-rows')).toContain('Ticket CON-7');
    expect(await adminPage.locator('#support-rows button.end-support').count()).toBe(1);
    const first = await adminPage.textContent('#countdown');
    expect(first).toMatch(/^6 d 23 h 5\d min \d\d s$/);
    await adminPage.waitForFunction((before) => document.getElementById('countdown')!.textContent !== before, first, { timeout: 5_000 });
    await adminPage.screenshot({ path: join(OUTPUT, 'tenant-console-pending-deletion.png'), fullPage: true });

    // The reload kept the session (the cookie) and fetched a CSRF token again: the DELETE goes through.
    await adminPage.click('#cancel-deletion');
    await adminPage.waitForFunction(() => document.getElementById('deletion-status')!.textContent!.includes('Deletion cancelled'));
    await adminPage.waitForSelector('#deletion-request', { state: 'visible' });
    await adminPage.screenshot({ path: join(OUTPUT, 'tenant-console-deletion-cancelled.png'), fullPage: true });

    const result = (await api.temporal.workflow.getHandle(tenantDeletionWorkflowId(tenant.id)).result()) as TenantDeletionResult;
    expect(result.outcome).toBe('cancelled');
    const tenantNow = await request(api.http).get('/v1/tenant').set(bearer(tenant.adminKey)).expect(200);
    expect(tenantNow.body.status).toBe('active');

    await request(api.http).post(`/v1/password-resets/${waitingForOthers}/cancel`).set(bearer(tenant.adminKey)).expect(200);

    // Deactivating the manager ends their session at once: their next click lands on the sign-in form.
    await adminPage.click(`#user-rows tr[data-email="${managerEmail}"] button.deactivate`);
    await adminPage.waitForFunction((email) => document.getElementById('users-status')!.textContent === `${email} is deactivated.`, managerEmail);
    expect(await adminPage.textContent(`#user-rows tr[data-email="${managerEmail}"]`)).toContain('deactivated');
    await managerPage.click('#refresh-pending');
    await managerPage.waitForSelector('#signin', { state: 'visible' });
    expect(await managerPage.textContent('#signin-error')).toBe('Your session has ended. Sign in again.');
    await managerContext.close();
  });

  it('when the admin requires one-time codes, a person without an authenticator sees only the enrolment until they enrol', async () => {
    await adminPage.check('#require-otp');
    await adminPage.waitForFunction(() => document.getElementById('users-status')!.textContent === 'Everyone now signs in with a one-time code.');
    const agentEmail = 'riley@console.example';
    const invited = await request(api.http).post('/v1/users/invitations').set(bearer(tenant.adminKey)).send({ email: agentEmail, displayName: 'Riley Chen', role: 'agent' }).expect(201);
    await request(api.http).post('/v1/auth/invitations/accept').send({ token: invited.body.invitationToken, password: MANAGER_PASSWORD }).expect(200);

    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${baseUrl}/tenant/`);
      await signIn(page, agentEmail, MANAGER_PASSWORD);
      await page.waitForSelector('#console', { state: 'visible' });
      expect(await page.textContent('#otp-state')).toContain('Your tenant requires a one-time code');
      expect(await page.isHidden('#pending')).toBe(true);
      await page.click('#start-otp-enrolment');
      await page.waitForSelector('#otp-enrolment', { state: 'visible' });
      const secret = fromBase32((await page.textContent('#otp-secret'))!);
      await page.fill('#otp-confirm-code', totpCode(secret, totpStep(new Date())));
      await page.click('#otp-confirm-form button[type=submit]');
      await page.waitForSelector('#recovery', { state: 'visible' });
      // Enrolled: the same session now opens what an agent may see, and no more.
      await page.waitForSelector('#pending-resets tr');
      expect(await page.isVisible('#pending')).toBe(true);
      expect(await page.textContent('#pending-resets')).toContain('Nothing awaits approval.');
      for (const section of ['#users', '#deletion', '#integrations', '#support', '#export', '#audit']) expect(await page.isHidden(section)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
