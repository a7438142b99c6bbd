import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import {
  CUSTODIAN_TASK_QUEUE,
  jiraSyncStatusQuery,
  jiraSyncWorkflowId,
  tenantDeletionWorkflowId,
  ticketIntakeWorkflowId,
  vulnerabilityReportWorkflowId,
} from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { createJiraSyncEngine, type JiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { connectTenantToGoogle, googleSimulatorEnv, simulatorOAuth } from '../support/google-workspace';
import { jiraSimulatorEnv, simulatorAtlassianOAuth } from '../support/jira-cloud';
import { tenantSyncingWithJira } from '../support/jira-sync-tenant';
import { historyTestKeyFile, historyToJson, RECORDED_HISTORIES_DIR } from '../support/recorded-histories';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker } from '../support/test-environment';
import { until } from '../support/until';
import { jiraSyncSettings } from '../support/jira-sync-settings';

// Everything this run encrypts (payloads, stored credentials) is under the committed test KEK, so the replay test
// can decode the histories; jest's global setup made a fresh key file for the run, replaced here.
process.env.CUSTODIAN_KEY_FILE = historyTestKeyFile();

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const HOUR = 60 * 60 * 1000;
const DOMAIN = 'acme.example';

/**
 * `npm run histories:record`: drives each long-running workflow through the real API, worker, PostgreSQL and
 * Temporal dev server (Google and Jira simulated) to the point worth keeping, and writes its history to
 * test/workflows/histories/ for the replay test (workflow-histories.replay.test.ts). Not part of `npm test`:
 * run it again after a workflow change that is meant to be incompatible, or to add a new point.
 */
describe('record workflow histories', () => {
  let google: GoogleWorkspaceSimulator;
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let jiraSync: JiraSyncEngine;
  let db: TenantScopedDatabase;
  const started: WorkflowHandle[] = [];

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    jira = await startJiraCloudSimulator({ issuesPerProject: 60, sites: [{ name: 'acme', projects: [{ id: '10000', key: 'DEMO', name: 'Demo service desk' }] }] });
    api = await startTestApi({ withWorker: false, env: { ...googleSimulatorEnv(google), ...jiraSimulatorEnv(jira) } });
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    db = new TenantScopedDatabase(api.prisma);
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const credentials = new CredentialStore(db, encryption);
    jiraSync = createJiraSyncEngine({
      db,
      encryption,
      credentials,
      oauth: simulatorAtlassianOAuth(jira),
      temporal: api.temporal,
      taskQueue: CUSTODIAN_TASK_QUEUE,
      webhookBaseUrl: `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`,
    })!;
    worker = await startTestWorker(db, { google: new GoogleWorkspaceConnections({ credentials, oauth: simulatorOAuth(google), apiRootUrl: google.rootUrl }), jiraSync });
  }, 120_000);

  afterAll(async () => {
    // Histories are written; nothing recorded here may run on (timers of days, a sync for ever).
    for (const handle of started) await handle.terminate('history recorded').catch(() => undefined);
    await worker?.stop();
    await api?.close();
    await google?.stop();
    await jira?.stop();
  });

  /** A new tenant through the API, with its admin's key and keys for the other roles. */
  async function newTenant(slug: string): Promise<{ tenantId: string; keys: Record<'admin' | 'manager' | 'agent', string> }> {
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `${slug}-${Date.now()}`, name: `${slug} LLP` }).expect(201);
    const admin: string = created.body.adminApiKey.key;
    const keyFor = async (role: string) => (await request(api.http).post('/v1/api-keys').set(bearer(admin)).send({ name: `${role}-key`, role }).expect(201)).body.key as string;
    return { tenantId: created.body.tenant.id, keys: { admin, manager: await keyFor('manager'), agent: await keyFor('agent') } };
  }

  const openTicket = async (key: string, type: string): Promise<string> =>
    (await request(api.http).post('/v1/tickets').set(bearer(key)).send({ type, summary: `${type} please`, requester: `jane@${DOMAIN}` }).expect(201)).body.ref;

  /** Waits until the history shows `reached` and its last workflow task completed, then writes it. */
  async function record(client: Client, workflowId: string, file: string, reached: (events: HistoryEvent[]) => boolean): Promise<void> {
    const handle = client.workflow.getHandle(workflowId);
    started.push(handle);
    const history = await until(
      () => handle.fetchHistory(),
      ({ events }) => reached(events ?? []) && lastWorkflowTaskCompleted(events ?? []),
      60_000,
    );
    writeFileSync(join(RECORDED_HISTORIES_DIR, file), historyToJson(history));
  }

  it('ticket intake: completed', async () => {
    const { keys, tenantId } = await newTenant('history-ticket');
    const ref = await openTicket(keys.agent, 'general');
    await record(api.temporal, ticketIntakeWorkflowId(tenantId, ref), 'ticketIntakeWorkflow.completed.json', (events) => has(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED));
  });

  it('tenant deletion: in its grace period', async () => {
    const { tenantId, keys } = await newTenant('history-deletion');
    await request(api.http).post('/v1/tenant/deletion').set(bearer(keys.admin)).send({ requesterEmail: `jane@${DOMAIN}` }).expect(202);
    await record(api.temporal, tenantDeletionWorkflowId(tenantId), 'tenantDeletionWorkflow.mid-grace.json', (events) => has(events, EventType.EVENT_TYPE_TIMER_STARTED));
  });

  it("password reset: an administrator's reset awaiting approval, and the same reset approved and done", async () => {
    const { tenantId, keys } = await newTenant('history-reset');
    await connectTenantToGoogle(new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv())), google, tenantId, DOMAIN);
    const awaiting = await request(api.http)
      .post('/v1/password-resets')
      .set(bearer(keys.agent))
      .send({ ticketRef: await openTicket(keys.agent, 'password_reset'), userEmail: `admin@${DOMAIN}`, signOut: true })
      .expect(202);
    await record(api.temporal, awaiting.body.workflowId, 'passwordResetWorkflow.awaiting-approval.json', (events) => has(events, EventType.EVENT_TYPE_TIMER_STARTED));

    await request(api.http).post(`${awaiting.body.statusUrl}/approve`).set(bearer(keys.manager)).expect(200);
    await record(api.temporal, awaiting.body.workflowId, 'passwordResetWorkflow.approved-completed.json', (events) => has(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED));
  });

  it('account unlock and access change: completed', async () => {
    const { tenantId, keys } = await newTenant('history-access');
    await connectTenantToGoogle(new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv())), google, tenantId, DOMAIN);
    const unlock = await request(api.http)
      .post('/v1/account-unlocks')
      .set(bearer(keys.agent))
      .send({ ticketRef: await openTicket(keys.agent, 'account_unlock'), userEmail: `jane@${DOMAIN}` })
      .expect(202);
    await record(api.temporal, unlock.body.workflowId, 'accountUnlockWorkflow.completed.json', (events) => has(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED));
    const change = await request(api.http)
      .post('/v1/access-changes')
      .set(bearer(keys.agent))
      .send({ ticketRef: await openTicket(keys.agent, 'access_change'), userEmail: `jane@${DOMAIN}`, actions: ['suspend', 'sign_out', 'revoke_app_access'] })
      .expect(202);
    await record(api.temporal, change.body.workflowId, 'accessChangeWorkflow.completed.json', (events) => has(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED));
  });

  it('breach notification: assessed, its 72-hour deadline missed, escalating until notified', async () => {
    const { tenantId } = await newTenant('history-breach');
    const declared = await request(api.http)
      .post('/v1/incidents')
      .set(bearer(api.operatorKey))
      .send({ awarenessAt: new Date(Date.now() - 73 * HOUR).toISOString(), description: 'Client exports were reachable without signing in', suspectedDataCategories: ['contact details'], ownerEmail: 'owner@custodian.example' })
      .expect(201);
    await request(api.http)
      .post(`/v1/incidents/${declared.body.incidentRef}/assessment`)
      .set(bearer(api.operatorKey))
      .send({ affectedTenants: [tenantId], notifiable: true, containment: 'contained', likelyConsequences: 'Phishing aimed at clients', measuresTaken: 'Exports behind sign-in again' })
      .expect(200);
    await record(
      api.temporal,
      declared.body.workflowId,
      'breachNotificationWorkflow.deadline-missed-escalating.json',
      (events) => has(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) && has(events, EventType.EVENT_TYPE_TIMER_STARTED),
    );
  });

  it('vulnerability report: awaiting acknowledgement', async () => {
    const received = await request(api.http)
      .post('/v1/security-reports')
      .send({ summary: 'Stored XSS in ticket summaries', details: 'A summary with a script tag runs in the ticket list.', reporterEmail: 'finder@research.example' })
      .expect(201);
    await record(api.temporal, vulnerabilityReportWorkflowId(received.body.ref), 'vulnerabilityReportWorkflow.awaiting-acknowledgement.json', (events) => has(events, EventType.EVENT_TYPE_TIMER_STARTED));
  });

  it('Jira sync: backfilled, then in the middle of a backlog of webhook deliveries', async () => {
    const { tenantId } = await tenantSyncingWithJira(api, jira, JIRA_SETTINGS, 'history-jira');
    const workflowId = jiraSyncWorkflowId(tenantId);
    const status = () => api.temporal.workflow.getHandle(workflowId).query(jiraSyncStatusQuery).catch(() => undefined);
    await jiraSync.signals.tick(tenantId, 'reconcile');
    const linked = async () => Number((await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM jira_issue_links`))[0]!.n);
    await until(linked, (count) => count === 60, 60_000);
    await until(status, (now) => now !== undefined && now.backlog === 0 && !now.reconciling, 60_000);

    // 40 issues edited in Jira while Jira is slow (each issue read takes 400 ms): the webhooks' backlog is caught with
    // some pairs synced and others queued or in flight.
    for (let issue = 0; issue < 40; issue += 1) jira.delayNext({ method: 'GET', path: /\/rest\/api\/3\/issue\/DEMO-\d+/ }, 400);
    for (let issue = 1; issue <= 40; issue += 1) jira.site.editIssue(`DEMO-${issue}`, { summary: `Edited in Jira ${issue}` }, {}, jira.people[0]!.accountId);
    const synced = (await status())!.counters.synced;
    const midBacklog = await until(status, (now) => now !== undefined && now.backlog > 0 && now.counters.synced >= synced + 5, 60_000);
    expect(midBacklog?.backlog).toBeGreaterThan(0);
    expect(midBacklog?.counters.synced).toBeGreaterThanOrEqual(synced + 5);
    await record(api.temporal, workflowId, 'jiraSyncWorkflow.mid-webhook-backlog.json', (events) => has(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED));
  }, 180_000);
});

const JIRA_SETTINGS = jiraSyncSettings({ fields: { priority: { direction: 'both', strategy: 'custodian-wins' }, issuetype: { direction: 'from-jira' }, attachments: { direction: 'off' } }, assigneeByEmail: true });

const has = (events: HistoryEvent[], type: temporal.api.enums.v1.EventType) => events.some((event) => event.eventType === type);

/** No workflow task is scheduled or running after the last one completed: the history ends where a worker left it. */
function lastWorkflowTaskCompleted(events: HistoryEvent[]): boolean {
  const tasks = events.filter((event) =>
    [EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED].includes(event.eventType!),
  );
  return tasks.at(-1)?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
}
