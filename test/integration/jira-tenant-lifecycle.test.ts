import { ScheduleNotFoundError } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import type { Client as PgClient } from 'pg';
import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { JiraSiteStore } from '../../libs/connectors/jira/jira-site-store';
import {
  CUSTODIAN_TASK_QUEUE,
  jiraReconcileScheduleId,
  jiraSyncWorkflowId,
  jiraWebhookRefreshScheduleId,
  tenantDeletionWorkflowId,
  type TenantDeletionResult,
} from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { createJiraDisconnection } from '../../libs/jira-lifecycle/jira-disconnection';
import { createJiraSyncEngine, type JiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { markDeletionRequestedWeekAgo } from '../support/deletion-clock';
import { jiraSimulatorEnv, simulatorAtlassianOAuth, storeJiraGrant } from '../support/jira-cloud';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker, superuserConnection } from '../support/test-environment';
import { until } from '../support/until';
import { jiraSyncSettings } from '../support/jira-sync-settings';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

const SETTINGS = jiraSyncSettings({ fields: { issuetype: { direction: 'from-jira' }, assignee: { direction: 'off' }, attachments: { direction: 'off' } } });

/** Any token the simulated Atlassian ever issues (access `at.…`, refresh `rt.…`), not only the first pair. */
const SIMULATOR_TOKEN = /\b(?:at|rt)\.[A-Za-z0-9_-]{30,}/;

/**
 * A tenant that synced with Jira leaves it when it exports its data (Jira's part without token material) and when
 * it is deleted (webhooks gone from Jira, sync stopped, credential shredded, each step in the certificate). Real
 * API, worker, PostgreSQL and Temporal dev server; the Jira Cloud simulator over HTTP.
 */
describe('Jira in tenant export and deletion (real API, worker, PostgreSQL and Temporal; simulated Jira Cloud)', () => {
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let db: TenantScopedDatabase;
  let engine: JiraSyncEngine;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let superuser: PgClient;
  let credentials: CredentialStore;
  let tenantId: string;
  let adminKey: string;
  let issued: { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({ issuesPerProject: 3 });
    api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
    db = new TenantScopedDatabase(api.prisma);
    superuser = await superuserConnection();
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    credentials = new CredentialStore(db, encryption);
    const oauth = simulatorAtlassianOAuth(jira);
    engine = createJiraSyncEngine({ db, encryption, credentials, oauth, temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: apiUrl })!;
    worker = await startTestWorker(db, {
      jiraSync: engine,
      jiraDisconnection: createJiraDisconnection({ db, temporal: api.temporal, encryption, credentials, oauth }),
    });

    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `jira-leaves-${Date.now()}`, name: 'Jira Leaves LLP' }).expect(201);
    tenantId = created.body.tenant.id;
    adminKey = created.body.adminApiKey.key;
    issued = await storeJiraGrant(credentials, jira, tenantId);
    const site = { cloudId: jira.site.cloudId, url: jira.site.url, name: jira.site.name };
    await db.withTenant(tenantId, (tx) => new JiraSiteStore(db).record(tx, tenantId, [site], { site, accountId: jira.appAccount.accountId }, 'test'));
    await request(api.http).post('/v1/jira/sync-configs').set(bearer(adminKey)).send(SETTINGS).expect(201);

    // The first run registers the webhook, makes the Schedules and backfills the project.
    await engine.signals.tick(tenantId, 'reconcile');
    await until(linkedCount, (count) => count === 3, 30_000);
  }, 90_000);

  afterAll(async () => {
    await api?.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).terminate('test over').catch(() => undefined);
    await worker?.stop();
    await superuser?.end();
    await api?.close();
    await jira?.stop();
  });

  const linkedCount = async () => Number((await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM jira_issue_links`))[0].n);
  const tenantWebhooks = () => jira.webhooks.of(jira.site.cloudId, jira.appAccount.accountId).filter((webhook) => webhook.url.includes(tenantId));

  it('exports the Jira site, sync configuration, ticket/issue links and sync history, and no token or webhook secret', async () => {
    const requested = await request(api.http).post('/v1/tenant/export').set(bearer(adminKey)).expect(202);
    const stored = await until(
      () => db.withTenant(tenantId, (tx) => tx.tenantExport.findUniqueOrThrow({ where: { id: requested.body.id } })),
      (row) => row.status === 'ready',
      30_000,
    );
    const text = Buffer.from(stored.bundle!).toString('utf8');
    const bundle = JSON.parse(text);

    expect(bundle.jira.site).toMatchObject({ cloudId: jira.site.cloudId, url: jira.site.url });
    expect(bundle.jira.syncConfigs).toEqual([expect.objectContaining({ projectKeys: ['DEMO'], settings: expect.objectContaining({ projectKeys: ['DEMO'] }) })]);
    const tickets = await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ ref: string; issue_key: string }[]>`
      SELECT t.ref, l.issue_key FROM jira_issue_links l JOIN tickets t ON t.id = l.ticket_id ORDER BY t.ref`);
    expect(bundle.jira.links.map((link: { ticketRef: string; issueKey: string }) => [link.ticketRef, link.issueKey])).toEqual(tickets.map((row) => [row.ref, row.issue_key]));
    expect(bundle.jira.links.map((link: { issueKey: string }) => link.issueKey).sort()).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3']);
    expect(bundle.jira.syncState).toMatchObject({ watermark: expect.any(String), webhooksRegistered: 1 });
    expect(bundle.jira.syncHistory.filter((event: { action: string }) => event.action === 'jira.sync.ticket_created')).toHaveLength(3);
    const historyActions = new Set(bundle.jira.syncHistory.map((event: { action: string }) => event.action));
    expect(historyActions).toContain('integration.connected');
    expect(bundle.jira.syncHistory.every((event: { action: string; details: { provider?: string } }) => event.action.includes('jira') || event.details.provider === 'jira')).toBe(true);
    expect(bundle.jira.syncHistory.some((event: { action: string }) => event.action === 'tenant.export_requested')).toBe(false);

    const webhookSecret = tenantWebhooks()[0]!.url.split(`${tenantId}.`)[1]!;
    expect(webhookSecret.length).toBeGreaterThan(20);
    for (const secret of [issued.accessToken, issued.refreshToken, webhookSecret]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(SIMULATOR_TOKEN);
  }, 60_000);

  it('brings the sync\'s Schedules up to this release\'s intervals when the sync prepares', async () => {
    const reconcile = api.temporal.schedule.getHandle(jiraReconcileScheduleId(tenantId));
    await reconcile.update((current) => ({ ...current, spec: { intervals: [{ every: '1 hour' }] } }));
    await engine.signals.ensureSchedules(tenantId);
    expect((await reconcile.describe()).spec.intervals).toEqual([expect.objectContaining({ every: 5 * 60 * 1000 })]);
    const refresh = await api.temporal.schedule.getHandle(jiraWebhookRefreshScheduleId(tenantId)).describe();
    expect(refresh.spec.intervals).toEqual([expect.objectContaining({ every: 7 * 24 * 60 * 60 * 1000 })]);
    expect(refresh.action.args).toEqual([{ tenantId, tick: 'refresh-webhooks' }]);
  });

  it('on deletion deregisters the webhooks at Jira, stops the sync and its Schedules, shreds the credential, and certifies each step', async () => {
    expect(tenantWebhooks()).toHaveLength(1);
    expect((await api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).describe()).status.name).toBe('RUNNING');
    const [credentialRow] = (await superuser.query<{ data_key_id: string; encrypted_token_set: string }>(
      `SELECT data_key_id::text AS data_key_id, encrypted_token_set FROM integration_credentials WHERE tenant_id = $1 AND provider = 'jira'`, [tenantId])).rows;
    expect(credentialRow).toBeDefined();

    // Jira is busy at first: the deletion waits out its Retry-After rather than giving up on the webhooks.
    const webhookDelete = { method: 'DELETE', path: /\/rest\/api\/3\/webhook$/ };
    jira.failNext(webhookDelete, { status: 429, retryAfter: '1' }, { status: 429, retryAfter: '1' });
    await markDeletionRequestedWeekAgo(superuser, tenantId, 'api-key:admin');
    await request(api.http).post('/v1/tenant/deletion').set(bearer(adminKey)).send({ requesterEmail: 'jane@acme.example' }).expect(200);
    const result: TenantDeletionResult = await api.temporal.workflow.getHandle(tenantDeletionWorkflowId(tenantId)).result();

    expect(result.outcome).toBe('deleted');
    expect(tenantWebhooks()).toEqual([]);
    expect(jira.requests.filter((sent) => sent.method === 'DELETE' && /\/rest\/api\/3\/webhook$/.test(sent.path))).toHaveLength(3);
    expect((await api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).describe()).status.name).toBe('TERMINATED');
    for (const scheduleId of [jiraReconcileScheduleId(tenantId), jiraWebhookRefreshScheduleId(tenantId)]) {
      await expect(api.temporal.schedule.getHandle(scheduleId).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    }
    // The ciphertext a backup would still hold has no key left anywhere to unwrap its data key.
    expect((await superuser.query('SELECT 1 FROM data_keys WHERE id = $1', [credentialRow!.data_key_id])).rowCount).toBe(0);
    expect((await superuser.query('SELECT 1 FROM data_keys WHERE tenant_id = $1', [tenantId])).rowCount).toBe(0);
    expect(await credentials.load(tenantId, 'jira')).toBeUndefined();

    if (result.outcome !== 'deleted') return;
    const certificate = result.certificate;
    expect(certificate.jira?.site).toEqual({ cloudId: jira.site.cloudId, url: jira.site.url });
    expect(certificate.jira?.steps.map((step) => [step.step, step.outcome])).toEqual([
      ['sync_schedules_deleted', 'done'],
      ['sync_workflow_stopped', 'done'],
      ['webhooks_deregistered', 'done'],
      ['credential_shredded', 'done'],
      ['sync_data_key_shredded', 'done'],
    ]);
    expect(certificate.jira?.revokeAppAt).toContain('https://id.atlassian.com/manage-profile/apps');
    expect(certificate.jira?.revokeAppAt).toContain('Connected apps');
    expect(certificate.dataKeysDestroyed).toBeGreaterThanOrEqual(2);
    const mailed = await api.prisma.platformNotification.findFirst({ where: { deliveryKey: `tenant-deletion/${tenantId}/certificate` } });
    expect(mailed?.body).toContain('webhooks_deregistered: done');
    expect(mailed?.body).toContain('https://id.atlassian.com/manage-profile/apps');
    expect(mailed?.body).not.toMatch(SIMULATOR_TOKEN);
  }, 90_000);
});
