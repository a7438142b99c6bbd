import type { AddressInfo } from 'node:net';
import { WorkflowFailedError } from '@temporalio/client';
import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { CUSTODIAN_TASK_QUEUE, jiraSyncStatusQuery, jiraSyncWorkflowId } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { JiraRawResponses } from '../../libs/jira-sync/jira-raw-responses';
import { createJiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import type { JiraSyncSignals } from '../../libs/jira-sync/jira-sync-signals';
import type { JiraSyncStateStore } from '../../libs/jira-sync/jira-sync-state-store';
import { setTicketChangeContext } from '../../libs/tickets/ticket-change-context';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { adfParagraph } from '../fakes/jira/jira-resources';
import { jiraSimulatorEnv, simulatorAtlassianOAuth } from '../support/jira-cloud';
import { tenantSyncingWithJira } from '../support/jira-sync-tenant';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker } from '../support/test-environment';
import { until } from '../support/until';
import { jiraSyncSettings } from '../support/jira-sync-settings';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

const SETTINGS = jiraSyncSettings({ fields: { priority: { direction: 'both', strategy: 'custodian-wins' }, issuetype: { direction: 'from-jira' } }, assigneeByEmail: true });

/**
 * The Jira sync end to end: the real API (webhook endpoint, ticket edits, sync status), the real worker and
 * workflow on the Temporal dev server, real PostgreSQL, and the real jira.js client against the Jira Cloud
 * simulator, which delivers signed webhooks to the API over HTTP.
 */
describe('Jira sync (real API, worker, PostgreSQL and Temporal; simulated Jira Cloud)', () => {
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let apiUrl: string;
  let db: TenantScopedDatabase;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let signals: JiraSyncSignals;
  let tenantId: string;
  let adminKey: string;
  let otherKey: string;
  let raw: JiraRawResponses;
  let states: JiraSyncStateStore;

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({
      issuesPerProject: 3,
      sites: [{ name: 'acme', projects: [{ id: '10000', key: 'DEMO', name: 'Demo service desk' }, { id: '10001', key: 'OPS', name: 'Operations' }] }],
    });
    api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
    db = new TenantScopedDatabase(api.prisma);
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const credentials = new CredentialStore(db, encryption);
    const engine = createJiraSyncEngine({ db, encryption, credentials, oauth: simulatorAtlassianOAuth(jira), temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: apiUrl })!;
    ({ states, signals } = engine);
    raw = new JiraRawResponses(db, encryption);
    worker = await startTestWorker(db, { jiraSync: engine });

    ({ tenantId, adminKey } = await tenantSyncingWithJira(api, jira, SETTINGS, 'jira-sync'));
    const other = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `jira-sync-other-${Date.now()}`, name: 'Other LLP' }).expect(201);
    otherKey = other.body.adminApiKey.key;

    // The first run registers the webhook and backfills the project.
    await signals.tick(tenantId, 'reconcile');
    await until(linkedCount, (count) => count === 3, 30_000);
    await until(() => states.get(tenantId), (state) => state?.watermark != null);
  }, 90_000);

  afterAll(async () => {
    if (tenantId) await api?.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).terminate('test over').catch(() => undefined);
    await worker?.stop();
    await api?.close();
    await jira?.stop();
  });

  const linkedCount = async () => Number((await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM jira_issue_links`))[0].n);
  const ticketOf = (issueKey: string) =>
    db.withTenant(tenantId, async (tx) => {
      const [link] = await tx.$queryRaw<{ ticket_id: string }[]>`SELECT ticket_id::text AS ticket_id FROM jira_issue_links WHERE issue_key = ${issueKey}`;
      return tx.ticket.findUniqueOrThrow({ where: { id: link.ticket_id }, include: { comments: { orderBy: { createdAt: 'asc' } }, fieldChanges: true } });
    });
  const issueWrites = (issueKey: string) => jira.writes().filter((write) => write.path.includes(`/issue/${issueKey}`));
  const person = () => jira.people[0].accountId;
  const settle = async () => {
    await jira.webhooks.settle();
    // An answered delivery is committed; the workflow takes it from the table (and counts it as backlog until synced).
    await until(() => db.withTenant(tenantId, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM jira_webhook_deliveries WHERE taken_by IS NULL AND issue_key IS NOT NULL`), ([row]) => row.n === 0n);
    await until(
      () => api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).query(jiraSyncStatusQuery),
      (status) => status.backlog === 0,
    );
  };
  const patchTicket = (ref: string, body: Record<string, unknown>) => request(api.http).patch(`/v1/tickets/${ref}`).set(bearer(adminKey)).send(body).expect(200);

  it('backfills every issue of the project into a linked ticket, registers the webhook, and reports it in sync-status', async () => {
    // Only the configured project: OPS has issues too.
    expect(await linkedCount()).toBe(3);
    const ticket = await ticketOf('DEMO-1');
    expect(ticket).toMatchObject({ summary: jira.site.issue('DEMO-1').summary, status: 'new', type: 'general' });
    expect(jira.webhooks.registered).toHaveLength(1);
    expect(jira.webhooks.registered[0]).toMatchObject({ jqlFilter: 'project in ("DEMO")', url: expect.stringMatching(new RegExp(`^${apiUrl}/v1/jira/webhooks/${tenantId}\\.`)) });

    const status = await request(api.http).get('/v1/jira/sync-status').set(bearer(adminKey)).expect(200);
    expect(status.body).toMatchObject({ connected: true, site: { cloudId: jira.site.cloudId, url: jira.site.url }, watermark: expect.any(String), counts: { issuesLinked: 3, conflicts: 0 }, workflow: { running: true } });
    expect(JSON.stringify(status.body)).not.toMatch(/secret|token/i);
    // Jira's answers are kept, encrypted: readable only through the store, not as plain text in the table.
    const state = (await states.get(tenantId))!;
    expect((await raw.forIssue(tenantId, state.id, 'DEMO-1'))[0]).toMatchObject({ operation: 'search/jql', body: { key: 'DEMO-1' } });
    const stored = await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ ciphertext: string }[]>`SELECT ciphertext FROM jira_raw_responses WHERE issue_key = 'DEMO-1' OR 'DEMO-1' = ANY(issue_keys)`);
    expect(stored[0].ciphertext).not.toContain('DEMO-1');
  });

  it('brings a Jira edit to the ticket as a change made by Jira, and does not write it back', async () => {
    const writesBefore = jira.writes().length;
    jira.site.editIssue('DEMO-1', { summary: 'Printer on 3rd floor jams' }, {}, person());
    const ticket = await until(() => ticketOf('DEMO-1'), (found) => found.summary === 'Printer on 3rd floor jams');
    expect(ticket.summary).toBe('Printer on 3rd floor jams');
    expect(ticket.fieldChanges.filter((change) => change.field === 'summary')).toEqual([expect.objectContaining({ source: 'jira' })]);
    await settle();
    expect(jira.writes().length).toBe(writesBefore);
  });

  it('sends a ticket edit to Jira exactly once: the webhook of its own write changes nothing', async () => {
    const { ref } = await ticketOf('DEMO-2');
    const before = issueWrites('DEMO-2').length;
    expect(jira.site.issue('DEMO-2').statusId).not.toBe('10001');
    await patchTicket(ref, { summary: 'VPN drops every hour', status: 'resolved' });
    await until(async () => jira.site.issue('DEMO-2').summary, (summary) => summary === 'VPN drops every hour');
    await settle();
    const issue = jira.site.issue('DEMO-2');
    expect(issue.summary).toBe('VPN drops every hour');
    expect(issue.statusId).toBe('10001');
    // One edit and one transition; the webhooks of both came back and were recognised as our own.
    expect(issueWrites('DEMO-2').slice(before).map((write) => `${write.method} ${write.path.replace(/^.*\/rest\/api\/3/, '')}`)).toEqual(['PUT /issue/DEMO-2', 'POST /issue/DEMO-2/transitions']);
    const ticket = await ticketOf('DEMO-2');
    expect(ticket).toMatchObject({ summary: 'VPN drops every hour', status: 'resolved' });
    expect(ticket.fieldChanges.every((change) => change.source === 'custodian')).toBe(true);

    const audit = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'jira.sync.outbound', target: ref } }));
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ issueKey: 'DEMO-2', ticketRef: ref, direction: 'to-jira', fields: ['summary', 'status'], jiraRequestIds: expect.arrayContaining([expect.any(String)]) });
    expect(JSON.stringify(audit[0].details)).not.toContain('VPN');
  });

  it('sends a description with paragraphs, a list, a link and a code block as ADF, and reads Jira\'s edit of it back as text', async () => {
    const { ref } = await ticketOf('DEMO-2');
    const description = 'Steps so far:\n\n- restarted the [client](https://vpn.acme.example/help)\n- reinstalled it\n\n```\nerror 809\n```';
    await patchTicket(ref, { description });
    const sent = await until(async () => jira.site.issue('DEMO-2').description, (doc) => JSON.stringify(doc).includes('codeBlock'));
    expect((sent?.content as { type: string }[]).map((block) => block.type)).toEqual(['paragraph', 'bulletList', 'codeBlock']);
    expect(JSON.stringify(sent)).toContain('https://vpn.acme.example/help');
    await settle();
    expect((await ticketOf('DEMO-2')).description).toBe(description);
    // A colleague adds a paragraph in Jira: the ticket gets the whole document back as text.
    jira.site.editIssue('DEMO-2', { description: { ...sent!, content: [...sent!.content, adfParagraph('Also fails on Wi-Fi.').content[0]] } }, {}, person());
    const ticket = await until(() => ticketOf('DEMO-2'), (found) => found.description !== description);
    expect(ticket.description).toBe(`${description}\n\nAlso fails on Wi-Fi.`);
  });

  it('maps the assignee by email address both ways', async () => {
    const [priya, tom] = jira.people;
    jira.site.editIssue('DEMO-1', { assignee: { accountId: priya.accountId } }, {}, tom.accountId);
    const ticket = await until(() => ticketOf('DEMO-1'), (found) => found.assignee === priya.emailAddress);
    expect(ticket.assignee).toBe(priya.emailAddress);
    await patchTicket(ticket.ref, { assignee: tom.emailAddress });
    await until(async () => jira.site.issue('DEMO-1').assigneeId, (assignee) => assignee === tom.accountId);
    expect(jira.site.issue('DEMO-1').assigneeId).toBe(tom.accountId);
    await patchTicket(ticket.ref, { assignee: null });
    await until(async () => jira.site.issue('DEMO-1').assigneeId, (assignee) => assignee === null);
    expect(jira.site.issue('DEMO-1').assigneeId).toBeNull();
  });

  it('keeps both edits when each side changed a different field', async () => {
    const { ref } = await ticketOf('DEMO-3');
    jira.webhooks.hold();
    jira.site.editIssue('DEMO-3', { priority: { name: 'Highest' } }, {}, person());
    await patchTicket(ref, { summary: 'Laptop will not boot' });
    jira.webhooks.resume();
    await until(async () => jira.site.issue('DEMO-3').summary, (summary) => summary === 'Laptop will not boot');
    await jira.webhooks.deliverPending();
    await settle();
    expect(await ticketOf('DEMO-3')).toMatchObject({ summary: 'Laptop will not boot', priority: 'urgent' });
    expect(jira.site.issue('DEMO-3')).toMatchObject({ summary: 'Laptop will not boot', priorityId: '1' });
  });

  it('decides the same field edited on both sides by its strategy, and records each conflict on the ticket and in the audit trail', async () => {
    const before = await ticketOf('DEMO-1');
    jira.webhooks.hold();
    // Custodian first (no signal: written as another Custodian process would), then Jira, later.
    await db.withTenant(tenantId, async (tx) => {
      await setTicketChangeContext(tx, { actor: 'api-key:agent', source: 'custodian' });
      await tx.ticket.update({ where: { id: before.id }, data: { summary: 'Custodian summary', priority: 'low' } });
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    jira.site.editIssue('DEMO-1', { summary: 'Jira summary', priority: { name: 'High' } }, {}, person());
    jira.webhooks.resume();
    await jira.webhooks.deliverPending();
    await settle();
    // summary is newest-wins (Jira's edit is newer); priority is custodian-wins (Custodian's older edit wins).
    const ticket = await ticketOf('DEMO-1');
    expect(ticket).toMatchObject({ summary: 'Jira summary', priority: 'low' });
    expect(jira.site.issue('DEMO-1')).toMatchObject({ summary: 'Jira summary', priorityId: '4' });
    expect(ticket.comments.filter((comment) => comment.author === 'Jira sync').map((comment) => comment.body)).toEqual([
      expect.stringContaining('conflict on summary'),
      expect.stringContaining('conflict on priority'),
    ]);
    const conflicts = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'jira.sync.conflict', target: ticket.ref }, orderBy: { seq: 'asc' } }));
    expect(conflicts.map((event) => event.details)).toEqual([
      expect.objectContaining({ issueKey: 'DEMO-1', field: 'summary', strategy: 'newest-wins', winner: 'jira' }),
      expect.objectContaining({ issueKey: 'DEMO-1', field: 'priority', strategy: 'custodian-wins', winner: 'custodian' }),
    ]);
    // The conflict notes stay on the ticket: they are not comments for Jira.
    expect(jira.site.issue('DEMO-1').comments.filter((comment) => JSON.stringify(comment.body).includes('conflict'))).toHaveLength(0);
  });

  it('applies a change whose webhook was lost at the next reconciliation', async () => {
    const before = (await ticketOf('DEMO-2')).description;
    jira.webhooks.hold();
    jira.site.editIssue('DEMO-2', { description: adfParagraph('Happens after the 10:00 update.') }, {}, person());
    expect(jira.webhooks.pending).toHaveLength(1);
    jira.webhooks.pending.splice(0);
    jira.webhooks.resume();
    await settle();
    expect((await ticketOf('DEMO-2')).description).toBe(before);
    await signals.tick(tenantId, 'reconcile');
    const ticket = await until(() => ticketOf('DEMO-2'), (found) => found.description !== before);
    expect(ticket.description).toBe('Happens after the 10:00 update.');
  });

  it('applies a delivery that arrives twice once, and syncs comments both ways once', async () => {
    const { ref } = await ticketOf('DEMO-3');
    jira.webhooks.hold();
    jira.site.addComment('DEMO-3', adfParagraph('Tried another charger, same.'), person());
    const outcomes = await jira.webhooks.deliverPending({ duplicate: true });
    expect(outcomes.map((outcome) => outcome.status)).toEqual([202, 401]);
    jira.webhooks.resume();
    await until(() => ticketOf('DEMO-3'), (found) => found.comments.some((comment) => comment.source === 'jira'));
    await request(api.http).post(`/v1/tickets/${ref}/comments`).set(bearer(adminKey)).send({ body: 'Replacing the battery today.' }).expect(201);
    await until(async () => jira.site.issue('DEMO-3').comments.length, (count) => count === 2);
    await settle();
    await signals.tick(tenantId, 'reconcile');
    await settle();
    const ticket = await ticketOf('DEMO-3');
    expect(ticket.comments.filter((comment) => comment.source === 'jira').map((comment) => comment.body)).toEqual(['Tried another charger, same.']);
    expect(jira.site.issue('DEMO-3').comments).toHaveLength(2);
  });

  it('copies files both ways once, encrypted on the ticket, and leaves out a type uploads may not have', async () => {
    const { ref } = await ticketOf('DEMO-1');
    jira.site.addAttachments('DEMO-1', [{ filename: 'error.log', mimeType: 'text/plain', content: Buffer.from('error 809 at 10:02\n') }], person());
    jira.site.addAttachments('DEMO-1', [{ filename: 'tool.exe', mimeType: 'application/x-msdownload', content: Buffer.from('MZ\x90\x00') }], person());
    const withFile = await until(
      () => db.withTenant(tenantId, (tx) => tx.ticketAttachment.findMany({ where: { ticket: { ref } }, omit: { ciphertext: true } })),
      (files) => files.length > 0,
    );
    expect(withFile.map((file) => ({ fileName: file.fileName, source: file.source }))).toEqual([{ fileName: 'error.log', source: 'jira' }]);
    const download = await request(api.http).get(`/v1/tickets/${ref}/attachments/${withFile[0].id}`).set(bearer(adminKey)).expect(200);
    expect(download.text).toBe('error 809 at 10:02\n');

    await request(api.http).post(`/v1/tickets/${ref}/attachments`).set(bearer(adminKey)).attach('file', Buffer.from('steps tried: reboot\n'), { filename: 'notes.txt', contentType: 'text/plain' }).expect(201);
    await until(async () => jira.site.issue('DEMO-1').attachments.length, (count) => count === 3);
    await settle();
    await signals.tick(tenantId, 'reconcile');
    await settle();
    const inJira = jira.site.issue('DEMO-1').attachments;
    expect(inJira.map((file) => file.filename)).toEqual(['error.log', 'tool.exe', 'notes.txt']);
    expect(inJira[2].content.toString()).toBe('steps tried: reboot\n');
    const onTicket = await db.withTenant(tenantId, (tx) => tx.ticketAttachment.findMany({ where: { ticket: { ref } }, omit: { ciphertext: true } }));
    expect(onTicket.map((file) => file.fileName).sort()).toEqual(['error.log', 'notes.txt']);
  });

  it('takes on a project added to the configuration: its issues are backfilled and its webhooks follow', async () => {
    // An hour later in Jira, reconciled since: OPS's issues are older than the watermark and its overlap.
    jira.clock.advance(3600_000);
    const watermark = (await states.get(tenantId))!.watermark!;
    await signals.tick(tenantId, 'reconcile');
    await until(() => states.get(tenantId), (state) => state!.watermark!.getTime() > watermark.getTime() + 3000_000);
    const [config] = (await request(api.http).get('/v1/jira/sync-configs').set(bearer(adminKey)).expect(200)).body;
    const { id, version, createdAt, updatedAt, createdBy, updatedBy, ...settings } = config;
    await request(api.http).put(`/v1/jira/sync-configs/${id}`).set(bearer(adminKey)).set('If-Match', `"${version}"`).send({ ...settings, projectKeys: ['DEMO', 'OPS'] }).expect(200);
    await signals.tick(tenantId, 'refresh-webhooks');
    await signals.tick(tenantId, 'reconcile');
    await until(linkedCount, (count) => count === 6, 30_000);
    await until(async () => jira.webhooks.registered.map((webhook) => webhook.jqlFilter), (filters) => filters.length === 1 && filters[0] === 'project in ("DEMO", "OPS")');
    expect(jira.webhooks.registered.map((webhook) => webhook.jqlFilter)).toEqual(['project in ("DEMO", "OPS")']);
    jira.site.editIssue('OPS-2', { summary: 'Backup job failed twice' }, {}, person());
    expect((await until(() => ticketOf('OPS-2'), (found) => found.summary === 'Backup job failed twice')).summary).toBe('Backup job failed twice');
  });

  it('refuses an unauthenticated, forged or replayed delivery with 401 and changes nothing', async () => {
    const registered = jira.webhooks.registered[0].url;
    const body = { webhookEvent: 'jira:issue_updated', issue: { key: 'DEMO-1' } };
    const deliveries = async () => Number((await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM jira_webhook_deliveries`))[0].n);
    const before = await deliveries();
    const path = new URL(registered).pathname;
    const wrongSecret = path.replace(/\.[A-Za-z0-9_-]+$/, `.${'A'.repeat(43)}`);
    await request(api.http).post(wrongSecret).set('x-atlassian-webhook-identifier', 'forged-1').send(body).expect(401);
    await request(api.http).post(`/v1/jira/webhooks/not-a-token`).set('x-atlassian-webhook-identifier', 'forged-2').send(body).expect(401);
    await request(api.http).post(path).set('x-atlassian-webhook-identifier', 'forged-3').set('authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl').send(body).expect(401);
    // A genuine delivery, then the same one again (a replay).
    const genuine = { 'x-atlassian-webhook-identifier': 'replayed-1', authorization: jira.webhooks.bearerFor(jira.site.cloudId) };
    await request(api.http).post(path).set(genuine).send(body).expect(202);
    await request(api.http).post(path).set(genuine).send(body).expect(401);
    expect(await deliveries()).toBe(before + 1);
  });

  it('answers each delivery of a burst on its own: genuine ones recorded once, a replay, a forgery and one without identifier refused', async () => {
    const path = new URL(jira.webhooks.registered[0].url).pathname;
    const body = { webhookEvent: 'jira:issue_updated', issue: { key: 'DEMO-1' } };
    const bearer = jira.webhooks.bearerFor(jira.site.cloudId);
    const deliveries = async () => (await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ identifier: string }[]>`SELECT identifier FROM jira_webhook_deliveries WHERE identifier LIKE 'burst-%'`)).map((row) => row.identifier).sort();
    const send = (identifier: string | undefined, authorization = bearer) => {
      const post = request(api.http).post(path).set('authorization', authorization);
      return (identifier ? post.set('x-atlassian-webhook-identifier', identifier) : post).send(body).then((response) => response.status);
    };
    const genuine = Array.from({ length: 20 }, (_, index) => `burst-${String(index).padStart(2, '0')}`);
    // All at once, so they meet in the tenant's batches; each is judged alone all the same.
    const [statuses, twice, forged, unnamed] = await Promise.all([
      Promise.all(genuine.map((identifier) => send(identifier))),
      Promise.all([send('burst-twice'), send('burst-twice')]),
      send('burst-forged', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl'),
      send(undefined),
    ]);
    expect(statuses).toEqual(genuine.map(() => 202));
    expect(twice.sort()).toEqual([202, 401]);
    expect(forged).toBe(401);
    expect(unnamed).toBe(400);
    expect(await deliveries()).toEqual([...genuine, 'burst-twice']);
  });

  it('authenticates a delivery before asking for its identifier: 401 without the secret, 400 with it', async () => {
    const path = new URL(jira.webhooks.registered[0].url).pathname;
    const body = { webhookEvent: 'jira:issue_updated', issue: { key: 'DEMO-1' } };
    await request(api.http).post(path.replace(/\.[A-Za-z0-9_-]+$/, `.${'B'.repeat(43)}`)).send(body).expect(401);
    const refused = await request(api.http).post(path).set('authorization', jira.webhooks.bearerFor(jira.site.cloudId)).send(body).expect(400);
    expect(refused.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'X-Atlassian-Webhook-Identifier' }] });
  });

  it('applies a delivery the API committed but never signalled (it died after answering) at the next reconciliation', async () => {
    const pending = () => db.withTenant(tenantId, (tx) => tx.$queryRaw<{ identifier: string; taken_by: string | null }[]>`SELECT identifier, taken_by FROM jira_webhook_deliveries WHERE identifier = 'answered-then-died'`);
    jira.webhooks.hold();
    jira.site.editIssue('DEMO-2', { summary: 'Printer on floor 3 jams' }, {}, person());
    jira.webhooks.pending.splice(0);
    jira.webhooks.resume();
    // What the endpoint commits before it answers; its signal never went out.
    await db.withTenant(tenantId, (tx) => tx.$executeRaw`INSERT INTO jira_webhook_deliveries (tenant_id, identifier, issue_key) VALUES (${tenantId}::uuid, 'answered-then-died', 'DEMO-2')`);
    expect(await pending()).toEqual([{ identifier: 'answered-then-died', taken_by: null }]);
    await signals.tick(tenantId, 'reconcile');
    await until(pending, ([row]) => row.taken_by !== null);
    expect((await until(() => ticketOf('DEMO-2'), (found) => found.summary === 'Printer on floor 3 jams')).summary).toBe('Printer on floor 3 jams');
    expect((await pending())[0].taken_by).toMatch(/^jira-sync\//);
  });

  it('stops a sync whose grant Atlassian refused with a non-retryable failure the status and Temporal show', async () => {
    const refused = await tenantSyncingWithJira(api, jira, SETTINGS, 'jira-refused');
    const credentials = new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv()));
    await credentials.markNeedsReconsent(refused.tenantId, 'jira', 'test');
    await signals.tick(refused.tenantId, 'reconcile');
    const failure = await api.temporal.workflow.getHandle(jiraSyncWorkflowId(refused.tenantId)).result().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({ type: 'JiraReconsentRequired', nonRetryable: true });
    const status = await request(api.http).get('/v1/jira/sync-status').set(bearer(refused.adminKey)).expect(200);
    expect(status.body).toMatchObject({ connected: false, integrationStatus: 'needs_reconsent', workflow: { running: false } });
  });

  it("shows another tenant's key none of it", async () => {
    const status = await request(api.http).get('/v1/jira/sync-status').set(bearer(otherKey)).expect(200);
    expect(status.body).toMatchObject({ connected: false, site: null, watermark: null, counts: { issuesLinked: 0, conflicts: 0, failures: 0 } });
    const { ref } = await ticketOf('DEMO-1');
    await request(api.http).get(`/v1/tickets/${ref}`).set(bearer(otherKey)).expect(404);
  });
});
