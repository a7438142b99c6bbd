/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { freePort } from '../../libs/config/free-port';
import { repoRoot } from '../../libs/config/repo-root';
import { CUSTODIAN_TASK_QUEUE, JIRA_SYNC_LABEL, jiraSyncStatusQuery, jiraSyncWorkflowId } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { createJiraDisconnection } from '../../libs/jira-lifecycle/jira-disconnection';
import { createJiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { jiraSimulatorEnv, simulatorAtlassianOAuth, storeJiraGrant } from '../support/jira-cloud';
import { tenantSyncingWithJira } from '../support/jira-sync-tenant';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker } from '../support/test-environment';
import { until } from '../support/until';
import { jiraSyncSettings, SIMULATOR_STATUS_MAP } from '../support/jira-sync-settings';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const OUTPUT = join(repoRoot(), 'test-output');
const LINKED = 3;
const ADMIN_PASSWORD = 'harbour-quince-violet-17';
const AUDITOR_PASSWORD = 'granite-meadow-tulip-93';
const SETTINGS = jiraSyncSettings({
  fields: { status: { direction: 'from-jira' }, priority: { direction: 'off' }, issuetype: { direction: 'from-jira' }, assignee: { direction: 'off' }, attachments: { direction: 'off' } },
  statusMap: { toJira: {}, fromJira: SIMULATOR_STATUS_MAP.fromJira },
  priorityMap: { toJira: {}, fromJira: {} },
});

/**
 * The console's Jira panel in real Chromium against the real API, worker (sync and Disconnect & clean up) and
 * Temporal, with Jira played by the Jira Cloud simulator. A tenant syncs one project of three issues; its admin
 * sees the connection, is told to reconnect while Atlassian refuses the grant, and disconnects with a
 * confirmation naming the three issues, watching the progress to the end; an auditor sees the panel and cannot
 * disconnect. The tests run in order and share the tenant.
 */
describe('tenant console: Jira connection and Disconnect & clean up in Chromium', () => {
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let browser: Browser;
  let baseUrl: string;
  let credentials: CredentialStore;
  let tenant: { id: string; slug: string; adminKey: string };
  let adminPage: Page;
  const adminEmail = 'dana@jira-console.example';
  const auditorEmail = 'avery@jira-console.example';

  const labelled = () => [...jira.site.issues.values()].filter((issue) => issue.labels.includes(JIRA_SYNC_LABEL)).map((issue) => issue.key);

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({ issuesPerProject: LINKED, sites: [{ name: 'acme', projects: [{ id: '10000', key: 'DEMO', name: 'Demo service desk' }] }] });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
    await api.app.listen(port, '127.0.0.1');
    const db = new TenantScopedDatabase(api.prisma);
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    credentials = new CredentialStore(db, encryption);
    const oauth = simulatorAtlassianOAuth(jira);
    const engine = createJiraSyncEngine({ db, encryption, credentials, oauth, temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: baseUrl })!;
    worker = await startTestWorker(db, { jiraSync: engine, jiraDisconnection: createJiraDisconnection({ db, temporal: api.temporal, encryption, credentials, oauth }) });

    const synced = await tenantSyncingWithJira(api, jira, SETTINGS, 'jira-console');
    const slug = (await request(api.http).get('/v1/tenant').set(bearer(synced.adminKey)).expect(200)).body.slug as string;
    tenant = { id: synced.tenantId, slug, adminKey: synced.adminKey };
    await engine.signals.tick(tenant.id, 'reconcile');
    const linked = () => request(api.http).get('/v1/jira/sync-status').set(bearer(tenant.adminKey)).then((response) => response.body.counts?.issuesLinked);
    await until(linked, (count) => count === LINKED, 30_000);
    // The sync label on every linked issue, as a sync that labels its issues leaves it, and the sync idle again.
    for (const issue of jira.site.issues.values()) jira.site.editIssue(issue.key, {}, { labels: [{ add: JIRA_SYNC_LABEL }] }, jira.appAccount.accountId);
    await until(
      () => api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenant.id)).query(jiraSyncStatusQuery),
      (status) => status.backlog === 0 && status.inFlight === 0 && !status.reconciling,
      30_000,
    );
    expect(labelled()).toHaveLength(LINKED);

    for (const [email, displayName, role, password] of [
      [adminEmail, 'Dana Whitfield', 'admin', ADMIN_PASSWORD],
      [auditorEmail, 'Avery Stone', 'auditor', AUDITOR_PASSWORD],
    ]) {
      const invited = await request(api.http).post('/v1/users/invitations').set(bearer(tenant.adminKey)).send({ email, displayName, role }).expect(201);
      await request(api.http).post('/v1/auth/invitations/accept').send({ token: invited.body.invitationToken, password }).expect(200);
    }
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(OUTPUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (tenant) await api?.temporal.workflow.getHandle(jiraSyncWorkflowId(tenant.id)).terminate('test over').catch(() => undefined);
    await worker?.stop();
    await api?.close();
    await jira?.stop();
  });

  async function signedIn(email: string, password: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${baseUrl}/tenant/`);
    await page.fill('#signin-tenant', tenant.slug);
    await page.fill('#signin-email', email);
    await page.fill('#signin-password', password);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#console', { state: 'visible' });
    return page;
  }

  const panelState = (page: Page, state: string) => page.waitForSelector(`#jira-panel[data-state="${state}"]`, { timeout: 30_000 });

  it("an admin sees the Jira connection: the site, the configured project, the last sync and the linked issues", async () => {
    adminPage = await signedIn(adminEmail, ADMIN_PASSWORD);
    await panelState(adminPage, 'connected');
    expect(await adminPage.textContent('#jira-state')).toBe('connected');
    expect(await adminPage.textContent('#jira-site')).toBe(`acme · ${jira.site.url}`);
    expect(await adminPage.textContent('#jira-projects')).toBe('DEMO');
    expect(await adminPage.textContent('#jira-linked')).toBe(String(LINKED));
    const status = (await request(api.http).get('/v1/jira/sync-status').set(bearer(tenant.adminKey)).expect(200)).body;
    expect(status.lastSuccessAt).toEqual(expect.any(String));
    expect(await adminPage.textContent('#jira-last-sync')).toBe(await adminPage.evaluate((iso) => new Date(iso).toLocaleString(), status.lastSuccessAt as string));
    expect(await adminPage.isHidden('#jira-reconsent')).toBe(true);
    expect(await adminPage.isVisible('#jira-disconnect')).toBe(true);
    expect(await adminPage.isHidden('#jira-progress')).toBe(true);
  });

  it('while Atlassian refuses the grant the panel says so and tells the admin to reconnect; consenting again clears it', async () => {
    await credentials.markNeedsReconsent(tenant.id, 'jira', 'test');
    await adminPage.reload();
    await panelState(adminPage, 'needs consent again');
    expect(await adminPage.isVisible('#jira-reconsent')).toBe(true);
    expect(await adminPage.textContent('#jira-reconsent')).toContain('Reconnect: press Connect Jira Cloud above and consent again');
    await adminPage.screenshot({ path: join(OUTPUT, 'tenant-console-jira-needs-reconsent.png'), fullPage: true });

    await storeJiraGrant(credentials, jira, tenant.id);
    await adminPage.reload();
    await panelState(adminPage, 'connected');
    expect(await adminPage.isHidden('#jira-reconsent')).toBe(true);
  });

  it('an auditor sees the Jira panel and has no Disconnect & clean up, nor the reconnect hint', async () => {
    await credentials.markNeedsReconsent(tenant.id, 'jira', 'test');
    const page = await signedIn(auditorEmail, AUDITOR_PASSWORD);
    try {
      await panelState(page, 'needs consent again');
      expect(await page.textContent('#jira-site')).toBe(`acme · ${jira.site.url}`);
      expect(await page.textContent('#jira-projects')).toBe('DEMO');
      expect(await page.textContent('#jira-linked')).toBe(String(LINKED));
      expect(await page.textContent('#jira-reconsent')).toContain("Atlassian refused Custodian's grant");
      expect(await page.textContent('#jira-reconsent')).not.toContain('Reconnect');
      expect(await page.locator('#jira-disconnect, #jira-confirm, #jira-confirm-disconnect').count()).toBe(0);
      await page.screenshot({ path: join(OUTPUT, 'tenant-console-jira-auditor.png'), fullPage: true });
    } finally {
      await page.context().close();
      await storeJiraGrant(credentials, jira, tenant.id);
    }
  });

  it('the admin disconnects: the confirmation names the three issues, backing out changes nothing, and confirming shows the progress to the end', async () => {
    await adminPage.reload();
    await panelState(adminPage, 'connected');
    await adminPage.click('#jira-disconnect');
    await adminPage.waitForSelector('#jira-confirm[open]');
    expect(await adminPage.textContent('#jira-confirm-count')).toBe(
      "This touches 3 Jira issues linked to Custodian tickets, and any other issue that still carries Custodian's label or property.",
    );
    const consequences = await adminPage.textContent('#jira-confirm ul');
    for (const phrase of ['sync label', 'webhooks at Jira are deleted', 'tokens and their keys are destroyed', 'tickets stay, marked unlinked', 'removes it at Atlassian']) expect(consequences).toContain(phrase);
    await adminPage.screenshot({ path: join(OUTPUT, 'tenant-console-jira-disconnect-confirmation.png'), fullPage: true });

    await adminPage.click('#jira-cancel-disconnect');
    await adminPage.waitForSelector('#jira-confirm:not([open])', { state: 'attached' });
    await request(api.http).get('/v1/integrations/jira/disconnect').set(bearer(tenant.adminKey)).expect(404);

    // Jira answers slowly (a few requests a second), so the progress is there to see.
    jira.rateLimit.enable(3);
    await adminPage.click('#jira-disconnect');
    await adminPage.waitForSelector('#jira-confirm[open]');
    await adminPage.click('#jira-confirm-disconnect');
    await panelState(adminPage, 'disconnecting');
    expect(await adminPage.isVisible('#jira-progress')).toBe(true);
    expect(await adminPage.isHidden('#jira-disconnect')).toBe(true);
    expect(await adminPage.textContent('#jira-progress-counts')).toMatch(/^\d of \d Jira issues cleaned · 0 skipped \(deleted in Jira meanwhile\) · 0 failed$/);
    await adminPage.screenshot({ path: join(OUTPUT, 'tenant-console-jira-disconnecting.png'), fullPage: true });

    await panelState(adminPage, 'disconnected');
    expect(await adminPage.textContent('#jira-progress-phase')).toBe('Jira is disconnected and cleaned up.');
    expect(await adminPage.textContent('#jira-progress-counts')).toBe(`${LINKED} of ${LINKED} Jira issues cleaned · 0 skipped (deleted in Jira meanwhile) · 0 failed · ${LINKED} tickets marked unlinked`);
    expect(await adminPage.isVisible('#jira-revoke')).toBe(true);
    expect(await adminPage.textContent('#jira-revoke')).toContain('Atlassian has no API to revoke');
    expect(await adminPage.isHidden('#jira-details')).toBe(true);
    expect(await adminPage.locator('#jira-disconnect').isHidden()).toBe(true);
    expect(await adminPage.textContent('#integration-rows tr[data-provider=jira]')).toContain('not connected');
    await adminPage.screenshot({ path: join(OUTPUT, 'tenant-console-jira-disconnected.png'), fullPage: true });

    // At Jira: no issue carries Custodian's label, and Custodian's webhooks are gone.
    expect(labelled()).toEqual([]);
    expect(jira.webhooks.of(jira.site.cloudId, jira.appAccount.accountId).filter((webhook) => webhook.url.includes(tenant.id))).toEqual([]);
    // A reload shows the same finished clean-up, from the API.
    await adminPage.reload();
    await panelState(adminPage, 'disconnected');
    expect(await adminPage.textContent('#jira-revoke')).toContain('Atlassian has no API to revoke');
  });
});
