import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { AuditTrail } from '../../libs/audit';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { CUSTODIAN_TASK_QUEUE, jiraSyncStatusQuery, jiraSyncWorkflowId } from '../../libs/contracts';
import { repoRoot } from '../../libs/config/repo-root';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { createJiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import { TICKET_ISSUE_PROPERTY } from '../../libs/jira-sync/jira-pair-sync';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { adfParagraph } from '../fakes/jira/jira-resources';
import { jiraSimulatorEnv, simulatorAtlassianOAuth } from '../support/jira-cloud';
import { tenantSyncingWithJira } from '../support/jira-sync-tenant';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker } from '../support/test-environment';
import { until } from '../support/until';
import { jiraSyncSettings, SIMULATOR_STATUS_MAP } from '../support/jira-sync-settings';

const ISSUES = 12;
const SETTINGS = jiraSyncSettings({
  fields: { status: { direction: 'from-jira' }, priority: { direction: 'off' }, issuetype: { direction: 'from-jira' }, assignee: { direction: 'off' }, attachments: { direction: 'off' } },
  statusMap: { toJira: {}, fromJira: SIMULATOR_STATUS_MAP.fromJira },
  priorityMap: { toJira: {}, fromJira: {} },
  issueTypeMap: { toJira: { general: 'Task', password_reset: 'Task', account_unlock: 'Task', access_change: 'Task', security_report: 'Bug' }, fromJira: { Task: 'general', Bug: 'general', Story: 'general' } },
  createIssues: { projectKey: 'DEMO', ticketTypes: ['access_change'] },
});

/**
 * The sync's worker is killed (SIGKILL, in a process of its own) while Jira is answering: during the first
 * backfill, and between Jira creating an issue for a ticket and the answer arriving. Another worker picks the
 * activities up; no issue, ticket or comment exists twice.
 */
describe('Jira sync survives a worker killed mid-sync', () => {
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let apiUrl: string;
  let child: ChildProcess | undefined;
  let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  let tenantId: string;
  let adminKey: string;
  let db: TenantScopedDatabase;

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({ issuesPerProject: ISSUES });
    for (const key of ['DEMO-2', 'DEMO-5', 'DEMO-9']) jira.site.addComment(key, adfParagraph(`First reply on ${key}`), jira.people[1].accountId);
    api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
    db = new TenantScopedDatabase(api.prisma);
    ({ tenantId, adminKey } = await tenantSyncingWithJira(api, jira, SETTINGS, 'jira-crash'));
  }, 60_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    if (tenantId) await api?.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).terminate('test over').catch(() => undefined);
    await worker?.stop();
    await api?.close();
    await jira?.stop();
  });

  async function startWorkerProcess(): Promise<ChildProcess> {
    const fixtures = join(__dirname, 'fixtures');
    const started = spawn(process.execPath, ['--require', join(fixtures, 'jira-client.preload.cjs'), '--import', 'jiti/register', join(fixtures, 'jira-worker.process.ts')], {
      cwd: repoRoot(),
      env: { ...process.env, ...jiraSimulatorEnv(jira), JIRA_SYNC_WEBHOOK_BASE_URL: apiUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      started.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker running') && resolve());
      started.once('exit', (code) => reject(new Error(`the worker process exited early (${code})`)));
    });
    return started;
  }

  function killWhenJiraAnswers(process: ChildProcess, matcher: { method: string; path: RegExp }): () => boolean {
    let killed = false;
    jira.beforeAnswering(matcher, async () => {
      process.kill('SIGKILL');
      await new Promise((resolve) => process.once('exit', resolve));
      killed = true;
    });
    return () => killed;
  }

  const counts = () =>
    db.withTenant(tenantId, async (tx) => ({
      links: await tx.$queryRaw<{ issue_key: string; ticket_id: string }[]>`SELECT issue_key, ticket_id::text AS ticket_id FROM jira_issue_links ORDER BY issue_key`,
      tickets: await tx.ticket.count(),
      jiraComments: await tx.ticketComment.findMany({ where: { source: 'jira' }, select: { body: true } }),
    }));

  it('finishes a backfill interrupted by SIGKILL with every issue linked once and every comment copied once', async () => {
    child = await startWorkerProcess();
    // The backfill's search page carries every issue's fields: the worker dies while Jira answers it.
    const killed = killWhenJiraAnswers(child, { method: 'POST', path: /\/search\/jql$/ });
    await api.temporal.workflow.signalWithStart('jiraSyncWorkflow', { workflowId: jiraSyncWorkflowId(tenantId), taskQueue: CUSTODIAN_TASK_QUEUE, args: [{ tenantId }], signal: 'jiraReconcile', signalArgs: [] });
    await until(async () => killed(), Boolean, 30_000);
    expect(killed()).toBe(true);
    child = undefined;
    const before = await counts();
    expect(before.links.length).toBeLessThan(ISSUES);

    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const engine = createJiraSyncEngine({ db, encryption, credentials: new CredentialStore(db, encryption), oauth: simulatorAtlassianOAuth(jira), temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: apiUrl });
    worker = await startTestWorker(db, { jiraSync: engine });
    // Links come first and an issue's comments in its own sync after; count once the sync has nothing left to do.
    await until(counts, (found) => found.links.length === ISSUES && found.jiraComments.length >= 3, 60_000);
    await until(() => api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).query(jiraSyncStatusQuery), (status) => status.backlog === 0 && status.inFlight === 0 && !status.reconciling, 30_000);
    const after = await counts();
    expect(after.links.map((link) => link.issue_key).sort()).toEqual(Array.from({ length: ISSUES }, (_, index) => `DEMO-${index + 1}`).sort());
    expect(new Set(after.links.map((link) => link.ticket_id)).size).toBe(ISSUES);
    expect(after.tickets).toBe(ISSUES);
    expect(after.jiraComments.map((comment) => comment.body).sort()).toEqual(['First reply on DEMO-2', 'First reply on DEMO-5', 'First reply on DEMO-9']);
    // One audit event per ticket made, in a chain that still verifies.
    const created = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'jira.sync.ticket_created' }, select: { details: true } }));
    expect(created.map((event) => (event.details as { issueKey: string }).issueKey).sort()).toEqual(after.links.map((link) => link.issue_key).sort());
    expect(await new AuditTrail(db).verify(tenantId)).toMatchObject({ ok: true });
  }, 120_000);

  it('creates exactly one Jira issue for a ticket although the worker died after Jira created it', async () => {
    await worker!.stop();
    worker = undefined;
    child = await startWorkerProcess();
    const killed = killWhenJiraAnswers(child, { method: 'POST', path: /\/rest\/api\/3\/issue$/ });
    const issuesBefore = jira.site.issues.size;
    const created = await request(api.http).post('/v1/tickets').set({ Authorization: `Bearer ${adminKey}` }).send({ type: 'access_change', summary: 'Give Dana read access to the finance share', requester: 'dana@acme.example' }).expect(201);
    const ticketId: string = created.body.id ?? created.body.ticket?.id;
    await request(api.http).post(`/v1/tickets/${created.body.ref ?? created.body.ticket?.ref}/comments`).set({ Authorization: `Bearer ${adminKey}` }).send({ body: 'Approved by her manager.' }).expect(201);
    // Nothing signals a new ticket: the reconciliation finds it (as it would after a lost signal).
    await api.temporal.workflow.signalWithStart('jiraSyncWorkflow', { workflowId: jiraSyncWorkflowId(tenantId), taskQueue: CUSTODIAN_TASK_QUEUE, args: [{ tenantId }], signal: 'jiraReconcile', signalArgs: [] });
    await until(async () => killed(), Boolean, 30_000);
    expect(killed()).toBe(true);
    child = undefined;
    expect(jira.site.issues.size).toBe(issuesBefore + 1);

    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const engine = createJiraSyncEngine({ db, encryption, credentials: new CredentialStore(db, encryption), oauth: simulatorAtlassianOAuth(jira), temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: apiUrl });
    worker = await startTestWorker(db, { jiraSync: engine });
    const linked = await until(async () => (await counts()).links.find((link) => link.ticket_id === ticketId), Boolean, 60_000);
    expect(linked).toBeDefined();
    const issue = jira.site.issue(linked!.issue_key);
    await until(async () => issue.comments.length, (count) => count === 1, 30_000);
    expect(jira.site.issues.size).toBe(issuesBefore + 1);
    expect(issue.properties.get(TICKET_ISSUE_PROPERTY)).toMatchObject({ ticketId });
    expect(issue.summary).toBe('Give Dana read access to the finance share');
    expect(issue.comments).toHaveLength(1);
  }, 120_000);
});
