/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { freePort } from '../../libs/config/free-port';
import { repoRoot } from '../../libs/config/repo-root';
import { startTemporalDevServer, type TemporalDevServer } from '../../libs/temporal/dev-tools';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { googleSimulatorEnv } from '../support/google-workspace';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const OUTPUT = join(repoRoot(), 'test-output');
const DOMAIN = 'codec-ui.example';
/** What the reset's workflow input carries, and what only a decoded payload shows. */
const USER_EMAIL = `dana.decoded@${DOMAIN}`;

/**
 * The operator path of the README in real Chromium: a dev server with its Web UI pointed at the API's /codec,
 * a password reset started through the API, the operator signs in at <api>/codec/session and opens the reset
 * in the Temporal UI, which then shows its input decrypted (and does not before signing in).
 */
describe('Temporal Web UI decodes payloads through the codec for a signed-in operator (Chromium)', () => {
  let dir: string;
  let temporal: TemporalDevServer;
  let google: GoogleWorkspaceSimulator;
  let api: TestApi;
  let browser: Browser;
  let apiUrl: string;
  let uiUrl: string;
  let workflowId: string;
  const savedTemporalAddress = process.env.TEMPORAL_ADDRESS;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-ui-codec-'));
    const apiPort = await freePort();
    // As `npm start` sets it up: the UI and the codec under one host name, so the browser sends the session.
    apiUrl = `http://localhost:${apiPort}`;
    temporal = await startTemporalDevServer({ dbFilename: join(dir, 'temporal.db'), uiCodecEndpoint: `${apiUrl}/codec` });
    uiUrl = temporal.uiUrl!.replace('127.0.0.1', 'localhost');
    // The API (and its Temporal client) on this dev server, so the reset shows in this UI.
    process.env.TEMPORAL_ADDRESS = temporal.address;
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    api = await startTestApi({ withWorker: false, env: { ...googleSimulatorEnv(google), CODEC_CORS_ORIGINS: new URL(uiUrl).origin } });
    await api.app.listen(apiPort, '127.0.0.1');

    const tenant = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `ui-codec-${Date.now()}`, name: 'Codec UI LLP' }).expect(201);
    const admin = tenant.body.adminApiKey.key as string;
    const ticket = await request(api.http).post('/v1/tickets').set(bearer(admin)).send({ type: 'password_reset', summary: 'Locked out', requester: USER_EMAIL }).expect(201);
    const reset = await request(api.http).post('/v1/password-resets').set(bearer(admin)).send({ ticketRef: ticket.body.ref, userEmail: USER_EMAIL }).expect(202);
    workflowId = reset.body.workflowId;

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(OUTPUT, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await google?.stop();
    await temporal?.stop();
    process.env.TEMPORAL_ADDRESS = savedTemporalAddress;
    rmSync(dir, { recursive: true, force: true });
  });

  /** The reset's page in the UI, once the UI's own call to the codec has been answered. */
  async function openReset(page: Page): Promise<number> {
    const decode = page.waitForResponse((response) => response.url() === `${apiUrl}/codec/decode` && response.request().method() === 'POST');
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    return (await decode).status();
  }

  it('shows ciphertext before signing in, and the decoded input after signing in at /codec/session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      expect(await openReset(page)).toBe(401);
      // The input as the server stores it: our codec's envelope, its plaintext nowhere on the page.
      await page.getByText('encryption-key-id').first().waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.locator('body').innerText()).not.toContain(USER_EMAIL);
      await page.screenshot({ path: join(OUTPUT, 'temporal-ui-codec-signed-out.png'), fullPage: true });

      // The README's steps: open <api>/codec/session, paste the operator key, Sign in; then open the UI.
      await page.goto(`${apiUrl}/codec/session`);
      await page.fill('#operator-key', api.operatorKey);
      await page.click('#signin button[type=submit]');
      await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Signed in for 8 hours.');

      expect(await openReset(page)).toBe(200);
      await page.getByText(USER_EMAIL).first().waitFor({ state: 'visible', timeout: 15_000 });
      await page.screenshot({ path: join(OUTPUT, 'temporal-ui-codec-decoded.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
