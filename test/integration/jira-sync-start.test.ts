import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { CUSTODIAN_TASK_QUEUE, jiraReconcileScheduleId, jiraSyncWorkflowId, jiraWebhookRefreshScheduleId } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { createJiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { jiraSimulatorEnv, simulatorAtlassianOAuth } from '../support/jira-cloud';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker } from '../support/test-environment';
import { until } from '../support/until';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

const settings = (projectKeys: string[]) => ({
  projectKeys,
  fields: {
    summary: { direction: 'both' },
    description: { direction: 'both' },
    status: { direction: 'from-jira' },
    priority: { direction: 'off' },
    issuetype: { direction: 'from-jira' },
    assignee: { direction: 'off' },
    comments: { direction: 'off' },
    attachments: { direction: 'off' },
  },
  statusMap: { toJira: {}, fromJira: { 'To Do': 'new', 'In Progress': 'in_progress', Done: 'resolved' } },
  priorityMap: { toJira: {}, fromJira: {} },
  issueTypeMap: { toJira: {}, fromJira: { Task: 'general', Bug: 'general', Story: 'general' } },
  assigneeByEmail: false,
});

/**
 * The sync starts when the tenant becomes ready for it — connected through the OAuth callback and configured,
 * in either order — and follows a changed configuration at once, with no reconciliation tick from outside; two
 * tenants syncing one Jira site through the same Atlassian account keep each other's webhooks.
 */
describe('Jira sync starts on connect and on configuration (real API, worker, PostgreSQL and Temporal; simulated Jira Cloud)', () => {
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let db: TenantScopedDatabase;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let apiUrl: string;
  const tenants: { tenantId: string; adminKey: string }[] = [];

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({ issuesPerProject: 3, sites: [{ name: 'acme', projects: [{ id: '10000', key: 'DEMO', name: 'Demo' }, { id: '10001', key: 'OPS', name: 'Operations' }] }] });
    api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
    db = new TenantScopedDatabase(api.prisma);
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const engine = createJiraSyncEngine({ db, encryption, credentials: new CredentialStore(db, encryption), oauth: simulatorAtlassianOAuth(jira), temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: apiUrl })!;
    worker = await startTestWorker(db, { jiraSync: engine });
  }, 60_000);

  afterAll(async () => {
    for (const { tenantId } of tenants) {
      await api?.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).terminate('test over').catch(() => undefined);
      for (const id of [jiraReconcileScheduleId(tenantId), jiraWebhookRefreshScheduleId(tenantId)]) await api?.temporal.schedule.getHandle(id).delete().catch(() => undefined);
    }
    await worker?.stop();
    await api?.close();
    await jira?.stop();
  });

  async function newTenant(): Promise<{ tenantId: string; adminKey: string }> {
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `jira-start-${Date.now()}-${tenants.length}`, name: 'Jira Start LLP' }).expect(201);
    const tenant = { tenantId: created.body.tenant.id as string, adminKey: created.body.adminApiKey.key as string };
    tenants.push(tenant);
    return tenant;
  }

  /** The admin consents at Atlassian (the simulator's screen, as the app account); Atlassian redirects to the callback. */
  async function connect(adminKey: string): Promise<void> {
    const started = await request(api.http).get('/v1/integrations/jira/connect').set(bearer(adminKey)).expect(200);
    const back = await fetch(started.body.consentUrl, { redirect: 'manual' });
    expect(back.status).toBe(302);
    const page = await request(api.http).get(`/v1/integrations/jira/callback${new URL(back.headers.get('location')!).search}`);
    expect(page.text).toContain('Custodian can now sync with');
  }

  const linkedKeys = async (tenantId: string) =>
    (await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ issue_key: string }[]>`SELECT issue_key FROM jira_issue_links ORDER BY issue_key`)).map((row) => row.issue_key);
  const webhooksOf = (tenantId: string) => jira.webhooks.registered.filter((webhook) => webhook.url.startsWith(`${apiUrl}/v1/jira/webhooks/${tenantId}.`));
  const summaryOf = async (tenantId: string, issueKey: string) =>
    db.withTenant(tenantId, async (tx) => (await tx.$queryRaw<{ summary: string }[]>`SELECT t.summary FROM tickets t JOIN jira_issue_links l ON l.ticket_id = t.id WHERE l.issue_key = ${issueKey}`)[0]?.summary);
  const workflowRunning = (tenantId: string) =>
    api.temporal.workflow
      .getHandle(jiraSyncWorkflowId(tenantId))
      .describe()
      .then(() => true)
      .catch(() => false);

  it('a configuration made before Jira is connected starts nothing; the OAuth callback then registers the webhook, makes the Schedules and backfills', async () => {
    const { tenantId, adminKey } = await newTenant();
    await request(api.http).post('/v1/jira/sync-configs').set(bearer(adminKey)).send(settings(['DEMO'])).expect(201);
    expect(await workflowRunning(tenantId)).toBe(false);

    await connect(adminKey);

    expect(await until(() => linkedKeys(tenantId), (keys) => keys.length === 3, 30_000)).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3']);
    expect(webhooksOf(tenantId)).toEqual([expect.objectContaining({ jqlFilter: 'project in ("DEMO")' })]);
    const reconcile = await api.temporal.schedule.getHandle(jiraReconcileScheduleId(tenantId)).describe();
    expect(reconcile.spec.intervals![0].every).toBe(5 * 60 * 1000);
    await api.temporal.schedule.getHandle(jiraWebhookRefreshScheduleId(tenantId)).describe();
  }, 60_000);

  it('a configuration replaced with another project backfills that project and moves the webhook filter to it, at once', async () => {
    const { tenantId, adminKey } = tenants[0];
    const [config] = (await request(api.http).get('/v1/jira/sync-configs').set(bearer(adminKey)).expect(200)).body;
    await request(api.http).put(`/v1/jira/sync-configs/${config.id}`).set(bearer(adminKey)).send(settings(['DEMO', 'OPS'])).expect(200);

    expect(await until(() => linkedKeys(tenantId), (keys) => keys.length === 6, 30_000)).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3', 'OPS-1', 'OPS-2', 'OPS-3']);
    const webhooks = await until(async () => webhooksOf(tenantId), (found) => found.length === 1 && found[0].jqlFilter.includes('OPS'));
    expect(webhooks).toEqual([expect.objectContaining({ jqlFilter: 'project in ("DEMO", "OPS")' })]);
  }, 60_000);

  it("a second tenant connected to the same site through the same Atlassian account leaves the first tenant's webhook alone: an edit in Jira reaches both", async () => {
    const first = tenants[0];
    const firstWebhook = webhooksOf(first.tenantId)[0];
    const second = await newTenant();
    await connect(second.adminKey);
    await request(api.http).post('/v1/jira/sync-configs').set(bearer(second.adminKey)).send(settings(['DEMO'])).expect(201);
    await until(() => linkedKeys(second.tenantId), (keys) => keys.length === 3, 30_000);
    await until(async () => webhooksOf(second.tenantId), (found) => found.length === 1);

    expect(webhooksOf(first.tenantId)).toEqual([firstWebhook]);
    expect(webhooksOf(second.tenantId)).toEqual([expect.objectContaining({ ownerAccountId: firstWebhook.ownerAccountId, cloudId: firstWebhook.cloudId })]);
    jira.site.editIssue('DEMO-2', { summary: 'VPN drops every hour' }, {}, jira.people[0].accountId);
    // Well before the next reconciliation (5 minutes): the webhooks carried it.
    expect(await until(() => summaryOf(first.tenantId, 'DEMO-2'), (summary) => summary === 'VPN drops every hour', 15_000)).toBe('VPN drops every hour');
    expect(await until(() => summaryOf(second.tenantId, 'DEMO-2'), (summary) => summary === 'VPN drops every hour', 15_000)).toBe('VPN drops every hour');
  }, 60_000);
});
