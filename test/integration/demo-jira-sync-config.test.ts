import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { CUSTODIAN_TASK_QUEUE, jiraReconcileScheduleId, jiraSyncWorkflowId, jiraWebhookRefreshScheduleId } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { createJiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import { ensureDemoJiraSyncConfig } from '../../scripts/demo-jira-sync-config';
import { jiraSyncStatusCommand } from '../../scripts/start-banner';
import { ISSUE_TYPES, PRIORITIES, STATUSES } from '../fakes/jira/jira-catalog';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { jiraSimulatorEnv, simulatorAtlassianOAuth } from '../support/jira-cloud';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker } from '../support/test-environment';
import { until } from '../support/until';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ISSUES = 5;

function bash(script: string): Promise<string> {
  return new Promise((resolve, reject) => execFile('bash', ['-c', script], { timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout))));
}

/**
 * What `npm start` does for the demo tenant once it is connected to the simulated site "demo": the sync
 * configuration it creates is accepted, starts the sync, and its maps fit the simulator's values, so edits go
 * both ways; the banner's status line shows it. A second start keeps the configuration an admin may have changed.
 */
describe('npm start: the demo tenant syncs Jira project DEMO both ways', () => {
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let db: TenantScopedDatabase;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let apiUrl: string;
  let tenantId: string;
  let adminApiKey: string;

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({ issuesPerProject: ISSUES, sites: [{ name: 'demo', projects: [{ id: '10000', key: 'DEMO', name: 'Demo service desk' }] }] });
    api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
    db = new TenantScopedDatabase(api.prisma);
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const engine = createJiraSyncEngine({ db, encryption, credentials: new CredentialStore(db, encryption), oauth: simulatorAtlassianOAuth(jira), temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: apiUrl })!;
    worker = await startTestWorker(db, { jiraSync: engine });
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `demo-jira-${Date.now()}`, name: 'Demo Tenant' }).expect(201);
    tenantId = created.body.tenant.id;
    adminApiKey = created.body.adminApiKey.key;
    // The consent, as start-stack gives it: connect URL, the simulator's consent redirect, the callback.
    const started = await request(api.http).get('/v1/integrations/jira/connect').set(bearer(adminApiKey)).expect(200);
    const back = await fetch(started.body.consentUrl, { redirect: 'manual' });
    await request(api.http).get(`/v1/integrations/jira/callback${new URL(back.headers.get('location')!).search}`).expect(200);
  }, 60_000);

  afterAll(async () => {
    if (tenantId) {
      await api?.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).terminate('test over').catch(() => undefined);
      for (const id of [jiraReconcileScheduleId(tenantId), jiraWebhookRefreshScheduleId(tenantId)]) await api?.temporal.schedule.getHandle(id).delete().catch(() => undefined);
    }
    await worker?.stop();
    await api?.close();
    await jira?.stop();
  });

  const ticketOf = (issueKey: string) =>
    db.withTenant(tenantId, async (tx) => (await tx.$queryRaw<{ ref: string; summary: string }[]>`SELECT t.ref, t.summary FROM tickets t JOIN jira_issue_links l ON l.ticket_id = t.id WHERE l.issue_key = ${issueKey}`)[0]);

  it('creates the configuration once, backfills DEMO, and the banner line shows every issue linked', async () => {
    expect(await ensureDemoJiraSyncConfig(apiUrl, adminApiKey)).toBe('created');
    const status = await until(async () => JSON.parse(await bash(jiraSyncStatusCommand({ apiUrl, demo: { tenantId, adminApiKey } }))), (body) => body.counts?.issuesLinked === ISSUES, 30_000);
    expect(status).toMatchObject({ connected: true, site: { url: jira.site.url }, counts: { issuesLinked: ISSUES, failures: 0 }, workflow: { running: true } });

    expect(await ensureDemoJiraSyncConfig(apiUrl, adminApiKey)).toBe('kept');
    expect((await request(api.http).get('/v1/jira/sync-configs').set(bearer(adminApiKey)).expect(200)).body).toHaveLength(1);
  }, 60_000);

  it("maps the simulator's own values: a Jira edit reaches the ticket, and a ticket's new priority, status and type reach the issue", async () => {
    jira.site.editIssue('DEMO-1', { summary: 'Laptop will not boot' }, {}, jira.people[0].accountId);
    expect((await until(() => ticketOf('DEMO-1'), (ticket) => ticket?.summary === 'Laptop will not boot')).summary).toBe('Laptop will not boot');

    const { ref } = await ticketOf('DEMO-2');
    await request(api.http).patch(`/v1/tickets/${ref}`).set(bearer(adminApiKey)).send({ priority: 'urgent', status: 'in_progress', type: 'security_report' }).expect(200);
    const named = () => {
      const issue = jira.site.issue('DEMO-2');
      return { priority: PRIORITIES.find((entry) => entry.id === issue.priorityId)?.name, status: STATUSES.find((entry) => entry.id === issue.statusId)?.name, type: ISSUE_TYPES.find((entry) => entry.id === issue.issueTypeId)?.name };
    };
    expect(await until(async () => named(), (issue) => issue.priority === 'Highest' && issue.status === 'In Progress' && issue.type === 'Bug')).toEqual({ priority: 'Highest', status: 'In Progress', type: 'Bug' });
  }, 60_000);
});
