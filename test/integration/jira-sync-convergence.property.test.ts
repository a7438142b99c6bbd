import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { CUSTODIAN_TASK_QUEUE, jiraSyncStatusQuery, jiraSyncWorkflowId } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { createJiraSyncEngine, type JiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import { PRIORITIES, STATUSES } from '../fakes/jira/jira-catalog';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { jiraSimulatorEnv, simulatorAtlassianOAuth } from '../support/jira-cloud';
import { tenantSyncingWithJira } from '../support/jira-sync-tenant';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker } from '../support/test-environment';
import { until } from '../support/until';
import { jiraSyncSettings, SIMULATOR_PRIORITY_MAP, SIMULATOR_STATUS_MAP } from '../support/jira-sync-settings';

const PRIORITY = { low: 'Low', normal: 'Medium', high: 'High', urgent: 'Highest' } as const;
const STATUS = { new: 'To Do', in_progress: 'In Progress', resolved: 'Done' } as const;
const SETTINGS = jiraSyncSettings({
  fields: {
    summary: { direction: 'both', strategy: 'newest-wins' },
    description: { direction: 'off' },
    status: { direction: 'both', strategy: 'jira-wins' },
    priority: { direction: 'both', strategy: 'custodian-wins' },
    issuetype: { direction: 'off' },
    assignee: { direction: 'off' },
    comments: { direction: 'off' },
    attachments: { direction: 'off' },
  },
  statusMap: { toJira: { ...STATUS, triaged: 'To Do', closed: 'Done', rejected: 'Done' }, fromJira: SIMULATOR_STATUS_MAP.fromJira },
  priorityMap: { toJira: PRIORITY, fromJira: SIMULATOR_PRIORITY_MAP.fromJira },
  issueTypeMap: { toJira: {}, fromJira: {} },
});

type Field = 'summary' | 'priority' | 'status';
type Op =
  | { kind: 'jira'; field: Field; pick: number }
  | { kind: 'custodian'; field: Field; pick: number }
  | { kind: 'deliver'; order: 'events' | 'reverse' | 'shuffle'; duplicate: boolean; dropFirst: boolean; seed: number }
  | { kind: 'restart' };

const fieldArb = fc.constantFrom<Field>('summary', 'priority', 'status');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('jira' as const), field: fieldArb, pick: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('custodian' as const), field: fieldArb, pick: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deliver' as const), order: fc.constantFrom<'events' | 'reverse' | 'shuffle'>('events', 'reverse', 'shuffle'), duplicate: fc.boolean(), dropFirst: fc.boolean(), seed: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

/**
 * For random interleavings of edits on both sides, with webhooks held, delivered reversed or shuffled,
 * duplicated or dropped, and the worker restarted, once the edits stop (and a reconciliation ran) both sides
 * hold the same values, summary (newest-wins) is the last value anyone wrote, and every field holds a value
 * someone wrote. Each run works on a fresh Jira issue of one long-lived sync.
 */
describe('Jira sync converges (property)', () => {
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let db: TenantScopedDatabase;
  let engine: JiraSyncEngine;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let tenantId: string;
  let adminKey: string;
  let run = 0;

  beforeAll(async () => {
    jira = await startJiraCloudSimulator();
    api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
    db = new TenantScopedDatabase(api.prisma);
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    engine = createJiraSyncEngine({ db, encryption, credentials: new CredentialStore(db, encryption), oauth: simulatorAtlassianOAuth(jira), temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: apiUrl })!;
    worker = await startTestWorker(db, { jiraSync: engine });
    ({ tenantId, adminKey } = await tenantSyncingWithJira(api, jira, SETTINGS, 'jira-converge'));
    await engine.signals.tick(tenantId, 'reconcile');
    await until(() => engine.states.get(tenantId), (state) => state?.watermark != null, 30_000);
  }, 60_000);

  afterAll(async () => {
    if (tenantId) await api?.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).terminate('test over').catch(() => undefined);
    await worker?.stop();
    await api?.close();
    await jira?.stop();
  });

  const idle = () =>
    until(
      () => api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).query(jiraSyncStatusQuery),
      (status) => status.backlog === 0 && !status.reconciling,
      30_000,
    );
  const ticketOf = (issueKey: string) =>
    db.withTenant(tenantId, async (tx) => {
      const [link] = await tx.$queryRaw<{ ticket_id: string }[]>`SELECT ticket_id::text AS ticket_id FROM jira_issue_links WHERE issue_key = ${issueKey}`;
      return link ? tx.ticket.findUnique({ where: { id: link.ticket_id } }) : null;
    });

  it('ends with both sides equal and each field as its strategy says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 2, maxLength: 7 }), async (ops) => {
        run += 1;
        jira.webhooks.resume();
        const person = jira.people[run % jira.people.length].accountId;
        const issue = jira.site.createIssue({ project: { key: 'DEMO' }, summary: `Run ${run} start`, issuetype: { name: 'Task' } }, person);
        const ticket = await until(() => ticketOf(issue.key), Boolean);
        expect(ticket).toBeTruthy();
        await idle();
        jira.webhooks.hold();
        const written: Record<Field, string[]> = { summary: [`Run ${run} start`], priority: ['Medium'], status: ['To Do'] };
        let edits = 0;
        for (const op of ops) {
          if (op.kind === 'jira' || op.kind === 'custodian') {
            edits += 1;
            // Distinct moments for newest-wins; both clocks are this machine's.
            await new Promise((resolve) => setTimeout(resolve, 5));
            const priorityName = Object.values(PRIORITY)[op.pick % 4];
            const statusName = Object.values(STATUS)[op.pick % 3];
            const summary = `Run ${run} edit ${edits} by ${op.kind}`;
            if (op.kind === 'jira') {
              if (op.field === 'summary') jira.site.editIssue(issue.key, { summary }, {}, person);
              if (op.field === 'priority') jira.site.editIssue(issue.key, { priority: { name: priorityName } }, {}, person);
              if (op.field === 'status' && jira.site.issue(issue.key).statusId !== STATUSES.find((status) => status.name === statusName)!.id) {
                jira.site.transition(issue.key, STATUSES.find((status) => status.name === statusName)!.transitionId, person);
              }
            } else {
              const value = op.field === 'summary' ? summary : op.field === 'priority' ? Object.keys(PRIORITY)[op.pick % 4] : Object.keys(STATUS)[op.pick % 3];
              await request(api.http).patch(`/v1/tickets/${ticket!.ref}`).set({ Authorization: `Bearer ${adminKey}` }).send({ [op.field]: value }).expect(200);
              // The edit's own sync runs now; the next edit comes after it (a write racing a read is not modelled).
              await idle();
            }
            written[op.field].push(op.field === 'summary' ? summary : op.field === 'priority' ? priorityName : statusName);
          } else if (op.kind === 'deliver') {
            await jira.webhooks.deliverPending({ order: op.order, seed: op.seed, duplicate: op.duplicate, drop: op.dropFirst ? [0] : [] });
            await idle();
          } else {
            await worker.stop();
            worker = await startTestWorker(db, { jiraSync: engine });
          }
        }
        // The edits stop: late webhooks arrive shuffled, and the next reconciliation catches what was dropped.
        jira.webhooks.resume();
        await jira.webhooks.deliverPending({ order: 'shuffle', seed: run });
        await idle();
        await engine.signals.tick(tenantId, 'reconcile');
        await new Promise((resolve) => setTimeout(resolve, 300));
        await idle();

        const finalIssue = jira.site.issue(issue.key);
        const finalTicket = (await ticketOf(issue.key))!;
        const jiraPriority = PRIORITIES.find((priority) => priority.id === finalIssue.priorityId)!.name;
        const jiraStatus = STATUSES.find((status) => status.id === finalIssue.statusId)!.name;
        expect(finalTicket.summary).toBe(finalIssue.summary);
        expect(PRIORITY[finalTicket.priority as keyof typeof PRIORITY]).toBe(jiraPriority);
        expect(STATUS[finalTicket.status as keyof typeof STATUS]).toBe(jiraStatus);
        expect(finalIssue.summary).toBe(written.summary[written.summary.length - 1]);
        expect(written.priority).toContain(jiraPriority);
        expect(written.status).toContain(jiraStatus);
      }),
      { numRuns: 12, seed: Number(process.env.JIRA_PROPERTY_SEED ?? 20261201), endOnFailure: true },
    );
  }, 600_000);
});
