import { ScheduleNotFoundError } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { withAttribution, withoutAttribution } from '../../libs/connectors/jira/adf';
import { repoRoot } from '../../libs/config/repo-root';
import {
  CUSTODIAN_TASK_QUEUE,
  JIRA_SYNC_LABEL,
  jiraDisconnectWorkflowId,
  jiraReconcileScheduleId,
  jiraSyncStatusQuery,
  jiraSyncWorkflowId,
  jiraWebhookRefreshScheduleId,
  TENANT_ID_SEARCH_ATTRIBUTE,
  type JiraDisconnectProgress,
} from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { createJiraDisconnection } from '../../libs/jira-lifecycle/jira-disconnection';
import { createJiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import { TICKET_ISSUE_PROPERTY } from '../../libs/jira-sync/jira-pair-sync';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import type { AdfDocument } from '../fakes/jira/simulated-jira-records';
import { jiraSimulatorEnv, simulatorAtlassianOAuth } from '../support/jira-cloud';
import { tenantSyncingWithJira } from '../support/jira-sync-tenant';
import { startTestApi } from '../support/test-api';
import { startTestWorker, superuserConnection } from '../support/test-environment';
import { until } from '../support/until';
import { jiraSyncSettings, SIMULATOR_STATUS_MAP } from '../support/jira-sync-settings';

const SEEDED = 6;
const SETTINGS = jiraSyncSettings({
  fields: { status: { direction: 'from-jira' }, priority: { direction: 'off' }, issuetype: { direction: 'from-jira' }, assignee: { direction: 'off' }, attachments: { direction: 'off' } },
  statusMap: { toJira: {}, fromJira: SIMULATOR_STATUS_MAP.fromJira },
  priorityMap: { toJira: {}, fromJira: {} },
  issueTypeMap: { toJira: { general: 'Task', password_reset: 'Task', account_unlock: 'Task', access_change: 'Task', security_report: 'Bug' }, fromJira: { Task: 'general', Bug: 'general', Story: 'general' } },
  createIssues: { projectKey: 'DEMO', ticketTypes: ['access_change'] },
});

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** People's comments in Jira, with formatting, one ending in what looks like Custodian's line (it is not Custodian's). */
function humanComment(issueKey: string): AdfDocument {
  return {
    type: 'doc',
    version: 1,
    content: [
      { type: 'paragraph', content: [{ type: 'text', text: `Checked ${issueKey}: ` }, { type: 'text', text: 'not', marks: [{ type: 'strong' }] }, { type: 'text', text: ' the VPN.' }] },
      { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'router rebooted' }] }] }] },
      { type: 'paragraph', content: [{ type: 'text', text: '— synced from Custodian ticket CT-999' }] },
    ],
  };
}

/**
 * One simulated Jira site synced by a tenant, with every kind of mark Custodian leaves: the property and label on
 * the issue the sync created and the attribution paragraph ending the comments it wrote; and, as an older sync or a
 * hand-made link may leave them, the label on every linked issue and attribution on two descriptions; plus an
 * issue in a project the sync no longer covers that only the label and property still tie to the tenant.
 * Snapshots: people's comments before any sync, Custodian's own comments without their attribution, and the
 * descriptions before marking.
 */
async function syncedSite(slug: string) {
  const jira = await startJiraCloudSimulator({ issuesPerProject: SEEDED });
  jira.site.addProject({ id: '10001', key: 'OPS', name: 'Operations' });
  for (const key of ['DEMO-2', 'DEMO-4', 'DEMO-5']) jira.site.addComment(key, humanComment(key), jira.people[1].accountId);
  const peopleComments = snapshotComments(jira, (authorId) => authorId !== jira.appAccount.accountId);

  const api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
  await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
  const db = new TenantScopedDatabase(api.prisma);
  const encryption = new EnvelopeEncryption(keyProviderFromEnv());
  const credentials = new CredentialStore(db, encryption);
  const oauth = simulatorAtlassianOAuth(jira);
  const { tenantId, adminKey } = await tenantSyncingWithJira(api, jira, SETTINGS, slug);
  const engine = createJiraSyncEngine({ db, encryption, credentials, oauth, temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: apiUrl })!;
  const worker = await startTestWorker(db, { jiraSync: engine, jiraDisconnection: createJiraDisconnection({ db, temporal: api.temporal, encryption, credentials, oauth }) });

  const links = () => db.withTenant(tenantId, (tx) => tx.$queryRaw<{ issue_key: string; ref: string; unlinked_at: Date | null }[]>`
    SELECT l.issue_key, t.ref, l.unlinked_at FROM jira_issue_links l JOIN tickets t ON t.id = l.ticket_id ORDER BY l.issue_key`);
  await engine.signals.tick(tenantId, 'reconcile');
  await until(links, (found) => found.length === SEEDED, 30_000);
  // A ticket the sync creates an issue for (with Custodian's property), and comments it carries to Jira.
  const created = await request(api.http).post('/v1/tickets').set(bearer(adminKey)).send({ type: 'access_change', summary: 'Give Dana read access to the finance share', description: 'Approved by **her manager**.', requester: 'dana@acme.example' }).expect(201);
  const ticketRef: string = created.body.ref ?? created.body.ticket?.ref;
  await request(api.http).post(`/v1/tickets/${ticketRef}/comments`).set(bearer(adminKey)).send({ body: 'Granted read-only, see the change record.' }).expect(201);
  const demo2Ref = (await links()).find((link) => link.issue_key === 'DEMO-2')!.ref;
  await request(api.http).post(`/v1/tickets/${demo2Ref}/comments`).set(bearer(adminKey)).send({ body: 'Thanks Tom, closing once the user confirms.' }).expect(201);
  await engine.signals.tick(tenantId, 'reconcile');
  await until(links, (found) => found.length === SEEDED + 1, 30_000);
  const createdKey = (await links()).find((link) => link.ref === ticketRef)!.issue_key;
  await until(async () => appCommentCount(jira), (count) => count === 2, 30_000);

  const refOf = new Map((await links()).map((link) => [link.issue_key, link.ref]));
  // The sync ends every comment it writes with the attribution line; the rest of each is what must survive.
  const appComments = [...jira.site.issues.values()].flatMap((issue) => issue.comments).filter((comment) => comment.authorId === jira.appAccount.accountId);
  expect(appComments.map((comment) => withoutAttribution(comment.body).ticketRef)).toEqual(appComments.map(() => expect.stringMatching(/^CT-\d+$/)));
  const custodianComments = new Map([...snapshotComments(jira, (authorId) => authorId === jira.appAccount.accountId)].map(([key, body]) => [key, withoutAttribution(body).doc]));
  const descriptions = new Map([...jira.site.issues.values()].map((issue) => [issue.key, structuredClone(issue.description)]));
  for (const issueKey of refOf.keys()) {
    jira.site.editIssue(issueKey, {}, { labels: [{ add: JIRA_SYNC_LABEL }] }, jira.appAccount.accountId);
  }
  for (const issueKey of [createdKey, 'DEMO-3']) {
    jira.site.editIssue(issueKey, { description: withAttribution(jira.site.issue(issueKey).description as never, refOf.get(issueKey)!) }, {}, jira.appAccount.accountId);
  }
  const orphan = jira.site.createIssue({ project: { key: 'OPS' }, summary: 'Moved out of DEMO', issuetype: { name: 'Task' }, labels: [JIRA_SYNC_LABEL] }, jira.appAccount.accountId, [
    { key: TICKET_ISSUE_PROPERTY, value: { tenantId, ticketId: '00000000-0000-4000-8000-000000000000', ticketRef: 'CT-404' } },
  ]);
  descriptions.set(orphan.key, null);
  // The marks' own webhooks reach the sync: wait until it is idle, as a tenant's admin would find it.
  await until(() => api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).query(jiraSyncStatusQuery), (status) => status.backlog === 0 && status.inFlight === 0 && !status.reconciling, 30_000);
  expect(markedIssues(jira).length).toBe(SEEDED + 2);

  return { jira, api, apiUrl, db, credentials, tenantId, adminKey, worker, links, createdKey, orphanKey: orphan.key, peopleComments, custodianComments, descriptions };
}

function snapshotComments(jira: JiraCloudSimulator, byAuthor: (authorId: string) => boolean): Map<string, unknown> {
  const comments = new Map<string, unknown>();
  for (const issue of jira.site.issues.values()) for (const comment of issue.comments) if (byAuthor(comment.authorId)) comments.set(`${issue.key}#${comment.id}`, structuredClone(comment.body));
  return comments;
}

const appCommentCount = (jira: JiraCloudSimulator) => [...jira.site.issues.values()].flatMap((issue) => issue.comments).filter((comment) => comment.authorId === jira.appAccount.accountId).length;

/** Issues still carrying any Custodian mark: the label, the property, or an attribution paragraph from Custodian. */
function markedIssues(jira: JiraCloudSimulator): string[] {
  return [...jira.site.issues.values()]
    .filter(
      (issue) =>
        issue.labels.includes(JIRA_SYNC_LABEL) ||
        issue.properties.has(TICKET_ISSUE_PROPERTY) ||
        withoutAttribution(issue.description).ticketRef !== null ||
        issue.comments.some((comment) => comment.authorId === jira.appAccount.accountId && withoutAttribution(comment.body).ticketRef !== null),
    )
    .map((issue) => issue.key);
}

/** Every comment and description as it was before Custodian marked it; people's comments as before any sync. */
function expectOnlyMarksRemoved(jira: JiraCloudSimulator, site: Awaited<ReturnType<typeof syncedSite>>, deleted: string[] = []) {
  expect(markedIssues(jira)).toEqual([]);
  const present = (key: string) => !deleted.includes(key.split('#')[0]);
  expect(snapshotComments(jira, (authorId) => authorId !== jira.appAccount.accountId)).toEqual(new Map([...site.peopleComments].filter(([key]) => present(key))));
  expect(snapshotComments(jira, (authorId) => authorId === jira.appAccount.accountId)).toEqual(new Map([...site.custodianComments].filter(([key]) => present(key))));
  for (const issue of jira.site.issues.values()) expect([issue.key, issue.description]).toEqual([issue.key, site.descriptions.get(issue.key)]);
  // Labels of people's own are kept.
  expect(jira.site.issue('DEMO-1').labels).toEqual(['customer']);
}

/** Successful Jira writes per issue during the clean-up (method and path; a refused or failed request excluded by the caller). */
function writesPerTarget(jira: JiraCloudSimulator, from: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sent of jira.requests.slice(from)) {
    if (!sent.path.startsWith('/ex/jira/') || sent.method === 'GET' || sent.path.endsWith('/search/jql') || !sent.path.includes('/issue/')) continue;
    const target = `${sent.method} ${sent.path.replace(/^\/ex\/jira\/[^/]+/, '')}`;
    counts.set(target, (counts.get(target) ?? 0) + 1);
  }
  return counts;
}

describe('Jira Disconnect & clean up (real API, worker, PostgreSQL and Temporal; simulated Jira Cloud)', () => {
  let site: Awaited<ReturnType<typeof syncedSite>>;
  let superuser: PgClient;

  beforeAll(async () => {
    site = await syncedSite('jira-disconnect');
    superuser = await superuserConnection();
  }, 120_000);

  afterAll(async () => {
    await site?.worker.stop();
    await superuser?.end();
    await site?.api.close();
    await site?.jira.stop();
  });

  it('through a 429 storm and an issue deleted meanwhile, strips every Custodian mark and nothing else, deletes the webhooks, shreds the credential and unlinks the tickets', async () => {
    const { jira, api, tenantId, adminKey } = site;
    const tenantWebhooks = () => jira.webhooks.of(jira.site.cloudId, jira.appAccount.accountId).filter((webhook) => webhook.url.includes(tenantId));
    expect(tenantWebhooks()).toHaveLength(1);
    const [credentialRow] = (await superuser.query<{ data_key_id: string }>(`SELECT data_key_id::text AS data_key_id FROM integration_credentials WHERE tenant_id = $1 AND provider = 'jira'`, [tenantId])).rows;

    // Jira is busy: a burst limit of 4 requests a second, and a run of 429s on comment edits and the label search.
    jira.rateLimit.enable(4);
    jira.failNext({ method: 'PUT', path: /\/comment\/\d+$/ }, ...Array.from({ length: 4 }, () => ({ status: 429, retryAfter: '1' })));
    jira.failNext({ method: 'POST', path: /\/search\/jql$/ }, { status: 429, retryAfter: '1' }, { status: 429, retryAfter: '1' });
    // Someone deletes DEMO-5 in Jira while the clean-up is at DEMO-2.
    jira.beforeAnswering({ method: 'GET', path: /\/issue\/DEMO-2$/ }, async () => {
      jira.site.issues.delete('DEMO-5');
    });

    // Mid-clean-up, while the grant still lives, the admin changes the sync configuration: that starts the sync
    // again, which registers a webhook and its Schedules anew. The clean-up must not leave them behind.
    const [config] = (await request(api.http).get('/v1/jira/sync-configs').set(bearer(adminKey)).expect(200)).body;
    jira.beforeAnswering({ method: 'GET', path: /\/issue\/DEMO-3$/ }, async () => {
      await request(api.http).put(`/v1/jira/sync-configs/${config.id}`).set(bearer(adminKey)).send({ ...SETTINGS, fields: { ...SETTINGS.fields, summary: { direction: 'from-jira' } } }).expect(200);
      await until(async () => tenantWebhooks().length, (count) => count === 1, 30_000);
      await until(() => api.temporal.schedule.getHandle(jiraReconcileScheduleId(tenantId)).describe().then(() => true, () => false), Boolean, 30_000);
    });

    await request(api.http).post('/v1/integrations/jira/disconnect').set(bearer('cus_bad')).expect(401);
    const startedAt = Date.now();
    const started = await request(api.http).post('/v1/integrations/jira/disconnect').set(bearer(adminKey)).expect(202);
    expect(started.body.workflowId).toBe(jiraDisconnectWorkflowId(tenantId));
    const again = await request(api.http).post('/v1/integrations/jira/disconnect').set(bearer(adminKey)).expect(200);
    expect(again.body.workflowId).toBe(started.body.workflowId);

    const handle = api.temporal.workflow.getHandle(jiraDisconnectWorkflowId(tenantId));
    const progress: JiraDisconnectProgress = await handle.result();
    const tookMs = Date.now() - startedAt;
    jira.rateLimit.disable();

    expect(progress).toMatchObject({ phase: 'done', total: SEEDED + 2, cleaned: SEEDED + 1, skipped: 1, failures: [], ticketsUnlinked: SEEDED + 1 });
    expect(progress.revokeAppAt).toContain('https://id.atlassian.com/manage-profile/apps');
    expect(progress.steps.map((step) => [step.step, step.outcome])).toEqual([
      ['sync_schedules_deleted', 'done'],
      ['sync_workflow_stopped', 'done'],
      ['webhooks_deregistered', 'done'],
      ['sync_data_key_shredded', 'done'],
      // What the restarted sync made, gone again before the grant.
      ['sync_schedules_deleted', 'done'],
      ['sync_workflow_stopped', 'done'],
      ['webhooks_deregistered', 'done'],
      ['sync_data_key_shredded', 'done'],
      ['credential_shredded', 'done'],
    ]);
    // Slowed, not failed: every scripted 429 was waited out (Retry-After 1 s each) and the burst limit refused some.
    expect(jira.rateLimit.refused).toBeGreaterThan(0);
    expect(tookMs).toBeGreaterThan(3_000);
    expect(jira.requests.filter((sent) => sent.method === 'PUT' && /\/comment\/\d+$/.test(sent.path)).length).toBeGreaterThan(4);

    expectOnlyMarksRemoved(jira, site, ['DEMO-5']);
    expect(jira.site.issues.has('DEMO-5')).toBe(false);
    expect(tenantWebhooks()).toEqual([]);
    expect((await handle.describe()).memo).toMatchObject({ progress: { phase: 'done', total: SEEDED + 2, cleaned: SEEDED + 1, skipped: 1, failures: [] }, failed: 0 });
    expect((await api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).describe()).status.name).toBe('TERMINATED');
    for (const scheduleId of [jiraReconcileScheduleId(tenantId), jiraWebhookRefreshScheduleId(tenantId)]) {
      await expect(api.temporal.schedule.getHandle(scheduleId).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    }
    // Crypto-shredded: no data key is left to unwrap what a backup of the credential row still holds.
    expect((await superuser.query('SELECT 1 FROM data_keys WHERE id = $1', [credentialRow!.data_key_id])).rowCount).toBe(0);
    expect(await site.credentials.load(tenantId, 'jira')).toBeUndefined();
    // The tickets stay, marked unlinked; editing one starts no sync (its state is gone with its data key).
    const links = await site.links();
    expect(links).toHaveLength(SEEDED + 1);
    expect(links.every((link) => link.unlinked_at !== null)).toBe(true);
    expect(await site.db.withTenant(tenantId, (tx) => tx.$queryRaw<unknown[]>`SELECT id FROM jira_sync_states`)).toEqual([]);
    await request(api.http).post(`/v1/tickets/${links[0]!.ref}/comments`).set(bearer(adminKey)).send({ body: 'Still here after Jira left.' }).expect(201);
    expect((await api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).describe()).status.name).toBe('TERMINATED');

    const read = await request(api.http).get('/v1/integrations/jira/disconnect').set(bearer(adminKey)).expect(200);
    expect(read.body).toMatchObject({ workflowId: jiraDisconnectWorkflowId(tenantId), status: 'completed', phase: 'done', cleaned: SEEDED + 1, skipped: 1 });
    const auditorKey = (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: 'aud', role: 'auditor' }).expect(201)).body.key;
    await request(api.http).get('/v1/integrations/jira/disconnect').set(bearer(auditorKey)).expect(200);
    await request(api.http).post('/v1/integrations/jira/disconnect').set(bearer(auditorKey)).expect(403);
    // Asked again once it finished: the same finished workflow, nothing started.
    const afterwards = await request(api.http).post('/v1/integrations/jira/disconnect').set(bearer(adminKey)).expect(200);
    expect(afterwards.body).toMatchObject({ status: 'completed', cleaned: SEEDED + 1 });

    const audit = await site.db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: { startsWith: 'jira.disconnect' } }, orderBy: { seq: 'asc' } }));
    const actions = audit.map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['jira.disconnect.requested', 'jira.disconnect.step', 'jira.disconnect.issues_found', 'jira.disconnect.issues_cleaned', 'jira.disconnect.tickets_unlinked', 'jira.disconnect.finished']));
    expect(audit.filter((event) => event.action === 'jira.disconnect.step')).toHaveLength(9);
    // An issue an earlier attempt (cut short by a 429) already cleaned is reported unchanged by the next one.
    const cleanedKeys = audit
      .filter((event) => event.action === 'jira.disconnect.issues_cleaned')
      .flatMap((event) => [...(event.details as { cleaned: string[] }).cleaned, ...(event.details as { unchanged: string[] }).unchanged]);
    expect(cleanedKeys.sort()).toEqual([...links.map((link) => link.issue_key).filter((key) => key !== 'DEMO-5'), site.orphanKey].sort());
    expect(audit.find((event) => event.action === 'jira.disconnect.issues_cleaned' && (event.details as { skippedDeleted: string[] }).skippedDeleted.length > 0)?.details).toMatchObject({ skippedDeleted: ['DEMO-5'] });
    expect(JSON.stringify(audit.map((event) => event.details))).not.toMatch(/router rebooted|Granted read-only|Approved by/);
  }, 180_000);

  it('answers 404 to a tenant that never connected Jira, to start or to read', async () => {
    const created = await request(site.api.http).post('/v1/tenants').set(bearer(site.api.operatorKey)).send({ slug: `never-jira-${Date.now()}`, name: 'Never Jira LLP' }).expect(201);
    const adminKey = created.body.adminApiKey.key;
    const start = await request(site.api.http).post('/v1/integrations/jira/disconnect').set(bearer(adminKey)).expect(404);
    expect(start.body).toMatchObject({ statusCode: 404, code: 'not_found' });
    await request(site.api.http).get('/v1/integrations/jira/disconnect').set(bearer(adminKey)).expect(404);
  });
});

describe('Jira Disconnect & clean up survives a worker killed mid-clean-up', () => {
  let site: Awaited<ReturnType<typeof syncedSite>>;
  let child: ChildProcess | undefined;
  let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;

  beforeAll(async () => {
    site = await syncedSite('jira-disconnect-crash');
    await site.worker.stop();
  }, 120_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await worker?.stop();
    await site?.api.close();
    await site?.jira.stop();
  });

  it('resumes after SIGKILL and cleans every issue exactly once', async () => {
    const { jira, api, tenantId, adminKey } = site;
    const fixtures = join(__dirname, 'fixtures');
    child = spawn(process.execPath, ['--require', join(fixtures, 'jira-client.preload.cjs'), '--import', 'jiti/register', join(fixtures, 'jira-disconnect-worker.process.ts')], {
      cwd: repoRoot(),
      env: { ...process.env, ...jiraSimulatorEnv(jira), JIRA_SYNC_WEBHOOK_BASE_URL: site.apiUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker running') && resolve());
      child!.once('exit', (code) => reject(new Error(`the worker process exited early (${code})`)));
    });
    // Killed the moment Jira has applied the edit of Custodian's comment on DEMO-2, before the worker hears the answer.
    let killed = false;
    const doomed = child;
    jira.beforeAnswering({ method: 'PUT', path: /\/issue\/DEMO-2\/comment\/\d+$/ }, async () => {
      doomed.kill('SIGKILL');
      await new Promise((resolve) => doomed.once('exit', resolve));
      killed = true;
    });
    const from = jira.requests.length;
    // Started as the API starts it, with pages of two issues and a new run every four: the crash lands mid-page
    // and the clean-up continues as new part-way.
    const started = await api.temporal.workflow.start('jiraDisconnectWorkflow', {
      workflowId: jiraDisconnectWorkflowId(tenantId),
      taskQueue: CUSTODIAN_TASK_QUEUE,
      args: [{ tenantId, actor: 'api-key:admin', pageSize: 2, issuesPerRun: 4 }],
      typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId }],
    });
    await until(async () => killed, Boolean, 60_000);
    child = undefined;
    const midway = await request(api.http).get('/v1/integrations/jira/disconnect').set(bearer(adminKey)).expect(200);
    expect(midway.body.status).toBe('running');
    expect(midway.body.cleaned).toBeLessThan(SEEDED + 2);

    worker = await startTestWorker(site.db, { jiraDisconnection: createJiraDisconnection({ db: site.db, temporal: api.temporal, encryption: new EnvelopeEncryption(keyProviderFromEnv()), credentials: site.credentials, oauth: simulatorAtlassianOAuth(jira) }) });
    const progress: JiraDisconnectProgress = await started.result();

    expect(progress).toMatchObject({ phase: 'done', total: SEEDED + 2, cleaned: SEEDED + 2, skipped: 0, failures: [] });
    expect((await started.describe()).runId).not.toBe(started.firstExecutionRunId);
    expectOnlyMarksRemoved(jira, site);
    const writes = writesPerTarget(jira, from);
    expect([...writes].filter(([, count]) => count > 1)).toEqual([]);
    // One edit per marked issue (label, and description where attributed), one per attributed comment, one property delete.
    expect([...writes.keys()].filter((target) => target.startsWith('PUT /rest/api/3/issue/') && !target.includes('/comment/')).sort()).toEqual(
      [...site.descriptions.keys()].map((key) => `PUT /rest/api/3/issue/${key}`).sort(),
    );
    expect([...writes.keys()].filter((target) => target.includes('/comment/'))).toHaveLength(site.custodianComments.size);
    expect([...writes.keys()].filter((target) => target.startsWith('DELETE')).sort()).toEqual(
      [`DELETE /rest/api/3/issue/${site.createdKey}/properties/${TICKET_ISSUE_PROPERTY}`, `DELETE /rest/api/3/issue/${site.orphanKey}/properties/${TICKET_ISSUE_PROPERTY}`].sort(),
    );
  }, 180_000);
});
