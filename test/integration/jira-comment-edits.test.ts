import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { CUSTODIAN_TASK_QUEUE, jiraSyncStatusQuery, jiraSyncWorkflowId } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { createJiraSyncEngine } from '../../libs/jira-sync/jira-sync-engine';
import { unattributedText } from '../../libs/jira-sync/jira-document-text';
import { JIRA_SYNC_COMMENT_AUTHOR } from '../../libs/jira-sync/jira-pair-sync';
import type { JiraSyncSignals } from '../../libs/jira-sync/jira-sync-signals';
import type { JiraSyncStateStore } from '../../libs/jira-sync/jira-sync-state-store';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { adfParagraph } from '../fakes/jira/jira-resources';
import { jiraSimulatorEnv, simulatorAtlassianOAuth } from '../support/jira-cloud';
import { tenantSyncingWithJira } from '../support/jira-sync-tenant';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker } from '../support/test-environment';
import { until } from '../support/until';
import { jiraSyncSettings } from '../support/jira-sync-settings';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

const SETTINGS = jiraSyncSettings({ fields: { issuetype: { direction: 'from-jira' }, assignee: { direction: 'off' } } });

/**
 * Comment edits and deletions, and attachment deletions, through the Jira sync both ways: the real API, worker and workflow on the Temporal
 * dev server, real PostgreSQL, and the real jira.js client against the Jira Cloud simulator's REST v3 routes and
 * signed webhooks (comment_updated, comment_deleted, and jira:issue_updated for a deleted attachment).
 */
describe('Jira sync of comment edits and deletions, and of file deletions (real API, worker, PostgreSQL and Temporal; simulated Jira Cloud)', () => {
  let jira: JiraCloudSimulator;
  let api: TestApi;
  let db: TenantScopedDatabase;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let signals: JiraSyncSignals;
  let states: JiraSyncStateStore;
  let tenantId: string;
  let adminKey: string;

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({ issuesPerProject: 3, sites: [{ name: 'acme', projects: [{ id: '10000', key: 'DEMO', name: 'Demo service desk' }] }] });
    api = await startTestApi({ withWorker: false, env: jiraSimulatorEnv(jira) });
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
    db = new TenantScopedDatabase(api.prisma);
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const engine = createJiraSyncEngine({ db, encryption, credentials: new CredentialStore(db, encryption), oauth: simulatorAtlassianOAuth(jira), temporal: api.temporal, taskQueue: CUSTODIAN_TASK_QUEUE, webhookBaseUrl: apiUrl })!;
    ({ states, signals } = engine);
    worker = await startTestWorker(db, { jiraSync: engine });
    ({ tenantId, adminKey } = await tenantSyncingWithJira(api, jira, SETTINGS, 'jira-comment-edits'));
    await signals.tick(tenantId, 'reconcile');
    await until(() => states.get(tenantId), (state) => state?.watermark != null, 30_000);
  }, 90_000);

  afterAll(async () => {
    if (tenantId) await api?.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).terminate('test over').catch(() => undefined);
    await worker?.stop();
    await api?.close();
    await jira?.stop();
  });

  const person = () => jira.people[0].accountId;
  const ticketOf = (issueKey: string) =>
    db.withTenant(tenantId, async (tx) => {
      const [link] = await tx.$queryRaw<{ ticket_id: string }[]>`SELECT ticket_id::text AS ticket_id FROM jira_issue_links WHERE issue_key = ${issueKey}`;
      return tx.ticket.findUniqueOrThrow({ where: { id: link.ticket_id }, include: { comments: { orderBy: { createdAt: 'asc' } } } });
    });
  const commentOf = async (issueKey: string, jiraCommentId: string) => (await ticketOf(issueKey)).comments.find((comment) => comment.externalId === jiraCommentId);
  const listed = async (ref: string) => (await request(api.http).get(`/v1/tickets/${ref}/comments`).set(bearer(adminKey)).expect(200)).body as { id: string; body: string }[];
  const auditOf = (action: string, ref: string) => db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action, target: ref }, orderBy: { seq: 'asc' } }));
  const settle = async () => {
    await jira.webhooks.settle();
    await until(() => db.withTenant(tenantId, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM jira_webhook_deliveries WHERE taken_by IS NULL AND issue_key IS NOT NULL`), ([row]) => row.n === 0n);
    await until(() => api.temporal.workflow.getHandle(jiraSyncWorkflowId(tenantId)).query(jiraSyncStatusQuery), (status) => status.backlog === 0);
  };
  /** A Jira user's comment on the issue, synced onto the ticket. */
  const jiraComment = async (issueKey: string, text: string) => {
    const comment = jira.site.addComment(issueKey, adfParagraph(text), person());
    await until(() => commentOf(issueKey, comment.id), (found) => found !== undefined);
    await settle();
    return comment;
  };

  /** A comment written through the API, once the sync has copied it to Jira: its id and its Jira comment's id. */
  const ourComment = async (ref: string, key: string, body: string) => {
    const added = (await request(api.http).post(`/v1/tickets/${ref}/comments`).set(bearer(key)).send({ body }).expect(201)).body as { id: string };
    const [link] = await until(
      () => db.withTenant(tenantId, (tx) => tx.$queryRaw<{ jira_comment_id: string }[]>`SELECT jira_comment_id FROM jira_comment_links WHERE comment_id = ${added.id}::uuid`),
      (rows) => rows.length === 1,
    );
    await settle();
    return { id: added.id, jiraCommentId: link.jira_comment_id };
  };
  const jiraCommentText = (issueKey: string, id: string) => {
    const found = jira.site.issue(issueKey).comments.find((comment) => comment.id === id);
    return found ? unattributedText(found.body) : undefined;
  };
  /** Jira writes to one issue since `from` (an index into jira.writes()), as method and path within the REST API. */
  const issueWritesSince = (from: number, issueKey: string) =>
    jira
      .writes()
      .slice(from)
      .filter((write) => write.path.includes(`/issue/${issueKey}`))
      .map((write) => `${write.method} ${write.path.slice(write.path.indexOf('/rest/api/3'))}`);
  const reconciled = async () => {
    await settle();
    await signals.tick(tenantId, 'reconcile');
    await settle();
  };

  it('registers its webhook for comment_deleted too', () => {
    expect(jira.webhooks.registered[0].events).toEqual(expect.arrayContaining(['comment_created', 'comment_updated', 'comment_deleted']));
  });

  it('brings a Jira comment edit to the ticket comment, audited without its text, and writes nothing back to Jira', async () => {
    const { ref } = await ticketOf('DEMO-1');
    const comment = await jiraComment('DEMO-1', 'The printer shows error E3.');
    const writesBefore = jira.writes().length;
    jira.site.updateComment('DEMO-1', comment.id, adfParagraph('The printer shows error E4, not E3.'), person());
    const edited = await until(() => commentOf('DEMO-1', comment.id), (found) => found?.body === 'The printer shows error E4, not E3.');
    expect(edited!.editedAt).not.toBeNull();
    await settle();
    expect(jira.writes().length).toBe(writesBefore);
    expect((await listed(ref)).map((listedComment) => listedComment.body)).toContain('The printer shows error E4, not E3.');
    const audit = await auditOf('ticket.comment_edited', ref);
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ commentId: edited!.id, source: 'jira', issueKey: 'DEMO-1', jiraCommentId: comment.id });
    expect(JSON.stringify(audit[0].details)).not.toContain('E4');
  });

  it('marks the ticket comment deleted when its Jira comment is deleted, and leaves it out of the list', async () => {
    const { ref } = await ticketOf('DEMO-2');
    const comment = await jiraComment('DEMO-2', 'Duplicate of DEMO-1, ignore.');
    const writesBefore = jira.writes().length;
    jira.site.deleteComment('DEMO-2', comment.id, person());
    const deleted = await until(() => commentOf('DEMO-2', comment.id), (found) => found?.deletedAt != null);
    expect(deleted!.body).toBe('Duplicate of DEMO-1, ignore.');
    expect((await listed(ref)).map((listedComment) => listedComment.id)).not.toContain(deleted!.id);
    await settle();
    expect(jira.writes().length).toBe(writesBefore);
    expect(await auditOf('ticket.comment_deleted', ref)).toEqual([expect.objectContaining({ actor: 'jira:DEMO-2', details: expect.objectContaining({ commentId: deleted!.id, source: 'jira' }) })]);
  });

  it('applies a deletion whose webhook was lost at the next reconciliation, and deletes no comment that is not linked', async () => {
    const ticket = await ticketOf('DEMO-3');
    const comment = await jiraComment('DEMO-3', 'Battery replaced.');
    // A note the sync wrote itself (as it does for conflicts): on the ticket only, never linked to Jira.
    const note = await db.withTenant(tenantId, (tx) => tx.ticketComment.create({ data: { tenantId, ticketId: ticket.id, author: JIRA_SYNC_COMMENT_AUTHOR, body: 'Jira sync note.', dedupeKey: `test-note:${ticket.id}` } }));
    jira.webhooks.hold();
    jira.site.deleteComment('DEMO-3', comment.id, person());
    expect(jira.webhooks.pending).toHaveLength(1);
    jira.webhooks.pending.splice(0);
    jira.webhooks.resume();
    await settle();
    expect((await commentOf('DEMO-3', comment.id))!.deletedAt).toBeNull();
    await signals.tick(tenantId, 'reconcile');
    await until(() => commentOf('DEMO-3', comment.id), (found) => found?.deletedAt != null);
    await settle();
    const after = await ticketOf('DEMO-3');
    expect(after.comments.find((candidate) => candidate.id === note.id)!.deletedAt).toBeNull();
    expect((await listed(ticket.ref)).map((listedComment) => listedComment.body)).toEqual(['Jira sync note.']);
  });

  it('sends a ticket comment edit to its Jira comment exactly once: the webhook of our own edit changes nothing', async () => {
    const { ref } = await ticketOf('DEMO-1');
    const comment = await ourComment(ref, adminKey, 'Ordered a new drum.');
    const writesBefore = jira.writes().length;
    const edited = await request(api.http).patch(`/v1/tickets/${ref}/comments/${comment.id}`).set(bearer(adminKey)).send({ body: 'Ordered a new drum and toner.' }).expect(200);
    expect(edited.body).toMatchObject({ id: comment.id, body: 'Ordered a new drum and toner.', editedAt: expect.any(String) });
    await until(async () => jiraCommentText('DEMO-1', comment.jiraCommentId), (text) => text?.endsWith('(Custodian):\nOrdered a new drum and toner.') === true);
    await reconciled();
    expect(issueWritesSince(writesBefore, 'DEMO-1')).toEqual([`PUT /rest/api/3/issue/DEMO-1/comment/${comment.jiraCommentId}`]);
    expect((await ticketOf('DEMO-1')).comments.find((candidate) => candidate.id === comment.id)).toMatchObject({ body: 'Ordered a new drum and toner.', deletedAt: null });
    const audit = await auditOf('jira.sync.outbound', ref);
    expect(audit.at(-1)!.details).toMatchObject({ commentsEdited: 1, commentsDeleted: 0 });
  });

  it('deletes the Jira comment of a ticket comment deleted here, exactly once', async () => {
    const { ref } = await ticketOf('DEMO-2');
    const comment = await ourComment(ref, adminKey, 'Wrong ticket, sorry.');
    const writesBefore = jira.writes().length;
    await request(api.http).delete(`/v1/tickets/${ref}/comments/${comment.id}`).set(bearer(adminKey)).expect(204);
    await until(async () => jiraCommentText('DEMO-2', comment.jiraCommentId), (text) => text === undefined);
    await reconciled();
    expect(issueWritesSince(writesBefore, 'DEMO-2')).toEqual([`DELETE /rest/api/3/issue/DEMO-2/comment/${comment.jiraCommentId}`]);
    expect((await listed(ref)).map((listedComment) => listedComment.id)).not.toContain(comment.id);
    expect(await auditOf('ticket.comment_deleted', ref)).toContainEqual(expect.objectContaining({ actor: expect.stringMatching(/^api-key:/), details: expect.objectContaining({ commentId: comment.id, source: 'custodian' }) }));
  });

  it('lets only its author, a manager or an admin change a comment, never one taken from Jira, with clear 4xx answers', async () => {
    const { ref } = await ticketOf('DEMO-3');
    const agentKey = async (name: string) => (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name, role: 'agent' }).expect(201)).body.key as string;
    const [author, other] = [await agentKey('agent-ana'), await agentKey('agent-ben')];
    const comment = await ourComment(ref, author, 'Asked the user for the serial number.');
    const path = `/v1/tickets/${ref}/comments/${comment.id}`;
    expect((await request(api.http).patch(path).set(bearer(other)).send({ body: 'Not mine to change.' }).expect(403)).body.code).toBe('forbidden');
    await request(api.http).delete(path).set(bearer(other)).expect(403);
    await request(api.http).patch(path).set(bearer(author)).send({ body: '' }).expect(400);
    await request(api.http).patch(path).set(bearer(author)).send({ body: 'Asked the user for the serial number and model.' }).expect(200);
    await request(api.http).delete(path).set(bearer(adminKey)).expect(204);
    expect((await request(api.http).patch(path).set(bearer(author)).send({ body: 'Again.' }).expect(404)).body.code).toBe('not_found');
    await request(api.http).delete(`/v1/tickets/${ref}/comments/not-a-uuid`).set(bearer(adminKey)).expect(404);
    const fromJira = (await commentOf('DEMO-3', (await jiraComment('DEMO-3', 'The serial number is 4471.')).id))!;
    expect((await request(api.http).patch(`/v1/tickets/${ref}/comments/${fromJira.id}`).set(bearer(adminKey)).send({ body: 'Overwritten.' }).expect(409)).body.code).toBe('conflict');
    await request(api.http).delete(`/v1/tickets/${ref}/comments/${fromJira.id}`).set(bearer(adminKey)).expect(409);
    await until(async () => jiraCommentText('DEMO-3', comment.jiraCommentId), (text) => text === undefined);
  });

  const filesOf = (ref: string) => db.withTenant(tenantId, (tx) => tx.ticketAttachment.findMany({ where: { ticket: { ref } }, omit: { ciphertext: true }, orderBy: { createdAt: 'asc' } }));

  it('marks a ticket file removed when its Jira original is deleted, writes nothing back, and refuses to remove it here', async () => {
    const { ref } = await ticketOf('DEMO-1');
    const [original] = jira.site.addAttachments('DEMO-1', [{ filename: 'error.log', mimeType: 'text/plain', content: Buffer.from('error 809 at 10:02\n') }], person());
    const [file] = await until(() => filesOf(ref), (files) => files.some((candidate) => candidate.externalId === original.id));
    await settle();
    expect((await request(api.http).delete(`/v1/tickets/${ref}/attachments/${file.id}`).set(bearer(adminKey)).expect(409)).body.code).toBe('conflict');
    const writesBefore = jira.writes().length;
    jira.site.deleteAttachment(original.id, person());
    await until(() => filesOf(ref), (files) => files.find((candidate) => candidate.id === file.id)?.removedAt != null);
    await settle();
    expect(jira.writes().length).toBe(writesBefore);
    expect((await request(api.http).get(`/v1/tickets/${ref}/attachments`).set(bearer(adminKey)).expect(200)).body).toEqual([]);
    await request(api.http).get(`/v1/tickets/${ref}/attachments/${file.id}`).set(bearer(adminKey)).expect(404);
    expect(await auditOf('ticket.attachment_removed', ref)).toEqual([expect.objectContaining({ actor: 'jira:DEMO-1', details: expect.objectContaining({ attachmentId: file.id, source: 'jira', jiraAttachmentId: original.id }) })]);
  });

  it('deletes the Jira copy of a file removed here exactly once; agents may not remove files', async () => {
    const { ref } = await ticketOf('DEMO-2');
    const uploaded = (await request(api.http).post(`/v1/tickets/${ref}/attachments`).set(bearer(adminKey)).attach('file', Buffer.from('steps tried: reboot\n'), { filename: 'notes.txt', contentType: 'text/plain' }).expect(201)).body as { id: string };
    const [link] = await until(
      () => db.withTenant(tenantId, (tx) => tx.$queryRaw<{ jira_attachment_id: string }[]>`SELECT jira_attachment_id FROM jira_attachment_links WHERE attachment_id = ${uploaded.id}::uuid`),
      (rows) => rows.length === 1,
    );
    await settle();
    const agent = (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: 'agent-cai', role: 'agent' }).expect(201)).body.key as string;
    await request(api.http).delete(`/v1/tickets/${ref}/attachments/${uploaded.id}`).set(bearer(agent)).expect(403);
    const writesBefore = jira.writes().length;
    await request(api.http).delete(`/v1/tickets/${ref}/attachments/${uploaded.id}`).set(bearer(adminKey)).expect(204);
    await until(async () => jira.site.issue('DEMO-2').attachments.map((file) => file.id), (ids) => !ids.includes(link.jira_attachment_id));
    await reconciled();
    const writes = jira.writes().slice(writesBefore).map((write) => `${write.method} ${write.path.slice(write.path.indexOf('/rest/api/3'))}`);
    expect(writes).toEqual([`DELETE /rest/api/3/attachment/${link.jira_attachment_id}`]);
    expect((await request(api.http).get(`/v1/tickets/${ref}/attachments`).set(bearer(adminKey)).expect(200)).body).toEqual([]);
    await request(api.http).delete(`/v1/tickets/${ref}/attachments/${uploaded.id}`).set(bearer(adminKey)).expect(404);
    expect((await auditOf('jira.sync.outbound', ref)).at(-1)!.details).toMatchObject({ attachmentsRemoved: 1 });
  });
});
