/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import { repoRoot } from '../../libs/config/repo-root';
import { tenantDeletionWorkflowId, type TenantDeletionResult } from '../../libs/contracts';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const OUTPUT = join(repoRoot(), 'test-output');

/**
 * The tenant page in real Chromium (Debian's, driven by playwright-core) against the real API and worker:
 * an admin whose tenant is pending deletion signs in, watches the countdown, and cancels.
 */
describe('tenant page in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    api = await startTestApi();
    await api.app.listen(0, '127.0.0.1');
    baseUrl = (await api.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      // Headless as root on a closed network: no sandbox, and none of Chromium's own background traffic.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(OUTPUT, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('shows the pending deletion with a live countdown, and its Cancel button restores the tenant', async () => {
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `page-${Date.now()}`, name: 'Page Test CPA' }).expect(201);
    const tenantId: string = created.body.tenant.id;
    const adminKey: string = created.body.adminApiKey.key;
    await request(api.http).post('/v1/tenant/deletion').set(bearer(adminKey)).send({ requesterEmail: 'owner@pagetest.example' }).expect(202);

    const page = await browser.newPage();
    try {
      await page.goto(`${baseUrl}/tenant/`);
      await page.fill('#api-key', adminKey);
      await page.click('#signin-form button[type=submit]');
      await page.waitForSelector('#deletion-pending', { state: 'visible' });
      await page.waitForSelector('#audit-events tr');
      expect(await page.textContent('#tenant-name')).toContain('Page Test CPA');
      expect(await page.textContent('#audit-events')).toContain('tenant.deletion_requested');

      const first = await page.textContent('#countdown');
      expect(first).toMatch(/^6 d 23 h 5\d min \d\d s$/);
      await page.waitForFunction((before) => document.getElementById('countdown')!.textContent !== before, first, { timeout: 5_000 });
      await page.screenshot({ path: join(OUTPUT, 'tenant-page-pending-deletion.png'), fullPage: true });

      await page.click('#cancel-deletion');
      await page.waitForFunction(() => document.getElementById('deletion-status')!.textContent!.includes('Deletion cancelled'));
      await page.waitForSelector('#deletion-request', { state: 'visible' });
      await page.screenshot({ path: join(OUTPUT, 'tenant-page-deletion-cancelled.png'), fullPage: true });
    } finally {
      await page.close();
    }

    const result = (await api.temporal.workflow.getHandle(tenantDeletionWorkflowId(tenantId)).result()) as TenantDeletionResult;
    expect(result.outcome).toBe('cancelled');
    const tenant = await request(api.http).get('/v1/tenant').set(bearer(adminKey)).expect(200);
    expect(tenant.body.status).toBe('active');
  });
});
