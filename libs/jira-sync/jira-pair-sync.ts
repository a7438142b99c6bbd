import type { Version3Models } from 'jira.js';
import { appendAuditEvent } from '../audit';
import { JiraConnectorError } from '../connectors/jira/jira-errors';
import type { ConnectedJiraSite, JiraSiteConnections } from '../connectors/jira/jira-site-connections';
import type { JiraIssueFields, JiraResponse } from '../connectors/jira/jira-site.connector';
import {
  flowsFromJira,
  flowsToJira,
  formatTicketRef,
  JIRA_SYNC_FIELD_OF_TICKET_FIELD,
  JIRA_SYNC_LABEL,
  jiraSyncWorkflowId,
  TICKET_EDITABLE_FIELDS,
  type JiraConflictStrategy,
  type JiraPairSyncResult,
  type JiraSyncItem,
  type JiraSyncSettings,
  type TicketEditableField,
  type TicketType,
} from '../contracts';
import type { TenantScopedDatabase, TenantTransaction } from '../db';
import { setTicketChangeContext } from '../tickets/ticket-change-context';
import { attributedJiraDocument, jiraDocumentToText, textToJiraDocument, unattributedText } from './jira-document-text';
import { jiraValueOf, sidesAgree, toCustodian, toJira, valueHash, type JiraIssueFieldsRead, type TicketFieldsRead } from './jira-field-values';
import { newTicketOfIssue, type SyncedHashes } from './jira-new-ticket';
import type { JiraAttachmentSync } from './jira-attachment-sync';
import { commentBodySha256, linkedCommentChanges, type TicketCommentRow } from './jira-linked-comments';
import type { JiraRawResponses } from './jira-raw-responses';
import { JiraSyncRetry } from './jira-sync-retry';
import type { JiraSyncStateStore } from './jira-sync-state-store';

export const JIRA_SYNC_ACTOR = 'system:jira-sync';
/** Notes the sync writes on a ticket (conflicts): shown to people, never sent to Jira. */
export const JIRA_SYNC_COMMENT_AUTHOR = 'Jira sync';
/** Set on every issue Custodian creates, in the create request itself: a retried create finds it first. */
export const TICKET_ISSUE_PROPERTY = 'custodian.ticket';

const ISSUE_FIELDS = ['summary', 'description', 'status', 'priority', 'issuetype', 'assignee', 'updated', 'project', 'comment', 'reporter', 'attachment'];


interface LinkRow {
  id: string;
  ticket_id: string;
  issue_id: string;
  issue_key: string;
  project_key: string;
  synced: SyncedHashes;
  issue_updated: Date | null;
}

interface TicketRow extends TicketFieldsRead {
  id: string;
  ref: string;
  version: number;
}

interface StoredConfig {
  projectKeys: string[];
  settings: JiraSyncSettings;
}

interface FieldDecision {
  field: TicketEditableField;
  toJira?: string | null;
  toTicket?: string | null;
  conflict?: { strategy: JiraConflictStrategy; winner: 'jira' | 'custodian' };
  problem?: string;
}

type JiraIssue = Version3Models.Issue & { fields: JiraIssueFieldsRead & { updated?: string; project?: { key?: string }; comment?: { comments?: Version3Models.Comment[] }; reporter?: { emailAddress?: string } | null } };

/**
 * Syncs one ticket/issue pair both ways by reading both sides now, so late, duplicated or reordered webhooks
 * change nothing: per field, a side whose value differs from the hash last synced changed since; one side
 * changed flows to the other (if its direction allows), both changed to different values is a conflict the
 * field's strategy decides (newest-wins compares Jira's changelog time of the field, by others than the app,
 * with the ticket's last Custodian-side change of it). Values written to the other side become the new last
 * synced hashes, so their echo (our own Jira write, or a ticket change recorded as source=jira) finds nothing
 * changed. An issue read older than the one last applied is not applied. Jira writes happen before the ticket
 * transaction, which commits only if the ticket is still at the version read (else the attempt is retried).
 */
export class JiraPairSync {
  constructor(
    private readonly options: {
      db: TenantScopedDatabase;
      connections: JiraSiteConnections;
      states: JiraSyncStateStore;
      raw: JiraRawResponses;
      attachments: JiraAttachmentSync;
    },
  ) {}

  async sync(tenantId: string, item: JiraSyncItem): Promise<JiraPairSyncResult> {
    const { db } = this.options;
    const configs = await this.configs(tenantId);
    if ('ticketId' in item) {
      const link = await db.withTenant(tenantId, (tx) => linkWhere(tx, 'ticket', item.ticketId));
      if (link) return { ...nothing(link.issue_key, null), followUp: link.issue_key };
      return this.createIssueFor(tenantId, item.ticketId, configs);
    }
    const connected = await this.options.connections.siteFor(tenantId);
    const state = await this.options.states.ensure(tenantId);
    const read = await connected.site.getIssue(item.issueKey, { fields: ISSUE_FIELDS, properties: [TICKET_ISSUE_PROPERTY], expand: 'changelog' });
    const issue = read.data as JiraIssue;
    await this.options.raw.keep(tenantId, state.id, { operation: 'issue get', issueKey: issue.key, requestId: read.requestId, body: read.data });
    const projectKey = issue.fields.project?.key ?? issue.key.split('-')[0];
    const config = configs.find((candidate) => candidate.projectKeys.includes(projectKey));
    if (!config) return { ...nothing(issue.key, null), followUp: null };

    let link = await db.withTenant(tenantId, (tx) => linkWhere(tx, 'issue', issue.id));
    if (!link) {
      const ticketId = ticketIdOfProperty(issue, tenantId);
      link = ticketId ? await this.linkExisting(tenantId, ticketId, issue, projectKey) : await this.createTicketFor(tenantId, issue, projectKey, config.settings);
      if (!link) return { ...nothing(issue.key, null), followUp: null };
    }
    return this.syncLinked(tenantId, connected, config.settings, link, issue, read.requestId);
  }

  private async syncLinked(tenantId: string, connected: ConnectedJiraSite, settings: JiraSyncSettings, link: LinkRow, issue: JiraIssue, readRequestId: string | null): Promise<JiraPairSyncResult> {
    const { db } = this.options;
    const issueUpdated = issue.fields.updated ? new Date(issue.fields.updated) : null;
    const stale = link.issue_updated !== null && issueUpdated !== null && issueUpdated < link.issue_updated;
    const { ticket, custodianChangedAt, comments } = await db.withTenant(tenantId, async (tx) => ({
      ticket: (await tx.$queryRaw<TicketRow[]>`SELECT id::text AS id, ref, version, summary, description, status, priority, type, assignee FROM tickets WHERE id = ${link.ticket_id}::uuid`)[0],
      custodianChangedAt: await tx.$queryRaw<{ field: TicketEditableField; at: Date }[]>`
        SELECT field, max(changed_at) AS at FROM ticket_field_changes WHERE ticket_id = ${link.ticket_id}::uuid AND source = 'custodian' GROUP BY field`,
      comments: await tx.$queryRaw<TicketCommentRow[]>`
        SELECT c.id::text AS id, c.author, c.body, c.source, c.deleted_at, l.jira_comment_id, l.jira_updated, l.synced_body_sha256 FROM ticket_comments c
        LEFT JOIN jira_comment_links l ON l.comment_id = c.id WHERE c.ticket_id = ${link.ticket_id}::uuid ORDER BY c.created_at, c.id`,
    }));
    const decisions: FieldDecision[] = [];
    for (const field of TICKET_EDITABLE_FIELDS) {
      const decision = decide(field, settings, link.synced[field], { custodian: ticket[field], jira: jiraValueOf(field, issue.fields) }, {
        stale,
        jiraChangedAt: lastJiraChange(issue, field, connected.accountId),
        custodianChangedAt: custodianChangedAt.find((row) => row.field === field)?.at ?? null,
      });
      if (decision) decisions.push(decision);
    }
    const requestIds = readRequestId ? [readRequestId] : [];
    const failures: TicketEditableField[] = [];
    // Jira first: its writes are idempotent when repeated, the ticket transaction is the commit point.
    const outbound = decisions.filter((decision) => decision.toJira !== undefined && !decision.problem);
    if (outbound.length > 0) {
      // Jira has no conditional edit: someone's edit since the read would be overwritten unseen, so the attempt
      // starts over (and decides again) when the issue moved meanwhile. This narrows that window to one request.
      const now = note(requestIds, await connected.site.getIssue(issue.key, { fields: ['updated'] }));
      if ((now.fields as { updated?: string }).updated !== issue.fields.updated) throw new JiraSyncRetry(`${issue.key} changed in Jira while it was being synced`);
    }
    for (const problem of await this.writeToJira(connected, issue.key, outbound, requestIds)) {
      const decision = decisions.find((candidate) => candidate.field === problem.field)!;
      decision.problem = problem.problem;
    }
    const commentsFlow = settings.fields.comments.direction;
    const jiraComments = flowsToJira(commentsFlow) || flowsFromJira(commentsFlow) ? await this.allComments(connected, issue, requestIds) : [];
    const newJiraComments = flowsToJira(commentsFlow) ? await this.pushComments(connected, issue, ticket.ref, jiraComments, comments, requestIds) : [];
    const inboundComments = flowsFromJira(commentsFlow) && !stale ? commentsFromJira(jiraComments, comments, connected.accountId) : [];
    const commentChanges = linkedCommentChanges(comments, jiraComments, {
      appAccountId: connected.accountId,
      fromJira: flowsFromJira(commentsFlow) && !stale,
      toJira: flowsToJira(commentsFlow),
      syncNotesAuthor: JIRA_SYNC_COMMENT_AUTHOR,
      jiraTextOf: commentText,
    });
    const sentEdits = await this.editJiraComments(connected, issue.key, ticket.ref, commentChanges.editedHere, requestIds);
    for (const deleted of commentChanges.deletedHere) await this.deleteJiraComment(connected, issue.key, deleted.jiraCommentId, requestIds);
    const filesFlow = settings.fields.attachments.direction;
    const files = await this.options.attachments.sync(
      tenantId,
      connected,
      { ticketId: ticket.id, issueId: issue.id!, issueKey: issue.key, jiraAttachments: (issue.fields as { attachment?: Version3Models.Attachment[] }).attachment ?? [] },
      { toJira: flowsToJira(filesFlow), fromJira: flowsFromJira(filesFlow) && !stale },
      requestIds,
    );

    const synced: SyncedHashes = { ...link.synced };
    for (const decision of decisions) {
      if (decision.problem) {
        failures.push(decision.field);
        continue;
      }
      const custodian = decision.toTicket !== undefined ? decision.toTicket : ticket[decision.field];
      const jira = decision.toJira !== undefined ? jiraAfterWrite(decision.field, decision.toJira) : jiraValueOf(decision.field, issue.fields);
      synced[decision.field] = { c: valueHash(custodian), j: valueHash(jira) };
    }
    const toTicket = decisions.filter((decision) => decision.toTicket !== undefined && !decision.problem);
    const toJiraFields = outbound.filter((decision) => !decision.problem).map((decision) => decision.field);
    const conflicts = decisions.filter((decision) => decision.conflict);
    const commentEditsOut = sentEdits.length + commentChanges.deletedHere.length;
    const commentEditsIn = commentChanges.editedInJira.length + commentChanges.deletedInJira.length;
    const changed = toTicket.length > 0 || toJiraFields.length > 0 || newJiraComments.length > 0 || inboundComments.length > 0 || commentEditsOut + commentEditsIn > 0 || files.toJira + files.fromJira + files.removedToJira + files.removedFromJira > 0 || JSON.stringify(synced) !== JSON.stringify(link.synced);

    await db.withTenant(tenantId, async (tx) => {
      if (toTicket.length > 0) {
        await setTicketChangeContext(tx, { actor: `jira:${issue.key}`, source: 'jira' });
        const assignments = Object.fromEntries(toTicket.map((decision) => [decision.field, decision.toTicket]));
        const updated = await tx.ticket.updateMany({ where: { id: ticket.id, version: ticket.version }, data: assignments });
        if (updated.count === 0) throw new JiraSyncRetry(`ticket ${ticket.ref} changed while ${issue.key} was being synced`);
      }
      for (const comment of newJiraComments) {
        await tx.$executeRaw`INSERT INTO jira_comment_links (tenant_id, comment_id, issue_id, jira_comment_id, jira_updated, synced_body_sha256) VALUES (${tenantId}::uuid, ${comment.commentId}::uuid, ${issue.id}, ${comment.jiraCommentId}, ${comment.jiraUpdated}, ${comment.bodySha256}) ON CONFLICT DO NOTHING`;
      }
      for (const edit of sentEdits) {
        await tx.$executeRaw`UPDATE jira_comment_links SET jira_updated = ${edit.jiraUpdated}, synced_body_sha256 = ${commentBodySha256(edit.body)} WHERE comment_id = ${edit.commentId}::uuid`;
      }
      for (const edit of commentChanges.editedInJira) {
        await tx.$executeRaw`UPDATE ticket_comments SET body = ${edit.body}, edited_at = now() WHERE id = ${edit.commentId}::uuid AND deleted_at IS NULL`;
        await tx.$executeRaw`UPDATE jira_comment_links SET jira_updated = ${edit.jiraUpdated}, synced_body_sha256 = ${commentBodySha256(edit.body)} WHERE comment_id = ${edit.commentId}::uuid`;
        await appendAuditEvent(tx, tenantId, {
          actor: `jira:${issue.key}`,
          action: 'ticket.comment_edited',
          target: ticket.ref,
          outcome: 'success',
          details: { ticketId: ticket.id, commentId: edit.commentId, source: 'jira', issueKey: issue.key, jiraCommentId: edit.jiraCommentId },
        });
      }
      for (const deleted of commentChanges.deletedInJira) {
        await tx.$executeRaw`UPDATE ticket_comments SET deleted_at = now() WHERE id = ${deleted.commentId}::uuid AND deleted_at IS NULL`;
        await appendAuditEvent(tx, tenantId, {
          actor: `jira:${issue.key}`,
          action: 'ticket.comment_deleted',
          target: ticket.ref,
          outcome: 'success',
          details: { ticketId: ticket.id, commentId: deleted.commentId, source: 'jira', issueKey: issue.key, jiraCommentId: deleted.jiraCommentId },
        });
      }
      for (const comment of inboundComments) {
        const created = await tx.ticketComment.upsert({
          where: { tenantId_dedupeKey: { tenantId, dedupeKey: `jira-comment:${comment.jiraCommentId}` } },
          create: { tenantId, ticketId: ticket.id, author: comment.author, authorEmail: comment.authorEmail, body: comment.body, source: 'jira', externalId: comment.jiraCommentId, dedupeKey: `jira-comment:${comment.jiraCommentId}` },
          update: {},
        });
        await tx.$executeRaw`INSERT INTO jira_comment_links (tenant_id, comment_id, issue_id, jira_comment_id, jira_updated, synced_body_sha256) VALUES (${tenantId}::uuid, ${created.id}::uuid, ${issue.id}, ${comment.jiraCommentId}, ${comment.jiraUpdated}, ${commentBodySha256(comment.body)}) ON CONFLICT DO NOTHING`;
      }
      for (const decision of conflicts) {
        const { strategy, winner } = decision.conflict!;
        const field = JIRA_SYNC_FIELD_OF_TICKET_FIELD[decision.field];
        await tx.ticketComment.create({
          data: {
            tenantId,
            ticketId: ticket.id,
            author: JIRA_SYNC_COMMENT_AUTHOR,
            body: `Jira sync conflict on ${field}: it was changed both here and in ${issue.key} since the last sync; ${strategy} kept the ${winner === 'jira' ? 'Jira' : 'Custodian'} value.`,
            dedupeKey: `jira-conflict:${issue.id}:${decision.field}:${ticket.version}:${issue.fields.updated ?? ''}`,
          },
        });
        await appendAuditEvent(tx, tenantId, {
          actor: JIRA_SYNC_ACTOR,
          action: 'jira.sync.conflict',
          target: ticket.ref,
          outcome: 'success',
          details: { issueKey: issue.key, ticketRef: ticket.ref, field, strategy, winner },
        });
      }
      const appliedUpdated = stale ? link.issue_updated : issueUpdated;
      await tx.$executeRaw`UPDATE jira_issue_links SET synced = ${JSON.stringify(synced)}::jsonb, issue_updated = ${appliedUpdated}, updated_at = now() WHERE id = ${link.id}::uuid`;
      if (toJiraFields.length > 0 || newJiraComments.length > 0 || commentEditsOut > 0 || files.toJira + files.removedToJira > 0) {
        await appendAuditEvent(tx, tenantId, {
          actor: JIRA_SYNC_ACTOR,
          action: 'jira.sync.outbound',
          target: ticket.ref,
          outcome: 'success',
          details: { issueKey: issue.key, ticketRef: ticket.ref, direction: 'to-jira', fields: toJiraFields.map((field) => JIRA_SYNC_FIELD_OF_TICKET_FIELD[field]), comments: newJiraComments.length, commentsEdited: sentEdits.length, commentsDeleted: commentChanges.deletedHere.length, attachments: files.toJira, attachmentsRemoved: files.removedToJira, jiraRequestIds: requestIds },
        });
      }
      await appendAuditEvent(tx, tenantId, {
        actor: JIRA_SYNC_ACTOR,
        action: 'jira.sync.inbound',
        target: ticket.ref,
        outcome: failures.length > 0 || files.problems.length > 0 ? 'failure' : 'success',
        details: {
          issueKey: issue.key,
          ticketRef: ticket.ref,
          direction: 'from-jira',
          fields: toTicket.map((decision) => JIRA_SYNC_FIELD_OF_TICKET_FIELD[decision.field]),
          comments: inboundComments.length,
          commentsEdited: commentChanges.editedInJira.length,
          commentsDeleted: commentChanges.deletedInJira.length,
          attachments: files.fromJira,
          attachmentsRemoved: files.removedFromJira,
          failedFields: failures.map((field) => JIRA_SYNC_FIELD_OF_TICKET_FIELD[field]),
          problems: [...decisions.filter((decision) => decision.problem).map((decision) => decision.problem!), ...files.problems],
          stale,
          jiraRequestIds: requestIds,
        },
      });
    });
    return {
      outcome: changed ? 'synced' : 'unchanged',
      issueKey: issue.key,
      ticketRef: ticket.ref,
      toJira: toJiraFields.map((field) => JIRA_SYNC_FIELD_OF_TICKET_FIELD[field]),
      fromJira: toTicket.map((decision) => JIRA_SYNC_FIELD_OF_TICKET_FIELD[decision.field]),
      conflicts: conflicts.map((decision) => JIRA_SYNC_FIELD_OF_TICKET_FIELD[decision.field]),
      followUp: null,
    };
  }

  /** Field edits in one request, status through a transition; returns the fields Jira could not take. */
  private async writeToJira(connected: ConnectedJiraSite, issueKey: string, outbound: FieldDecision[], requestIds: string[]): Promise<{ field: TicketEditableField; problem: string }[]> {
    const problems: { field: TicketEditableField; problem: string }[] = [];
    const fields: JiraIssueFields = {};
    for (const decision of outbound) {
      const value = decision.toJira ?? null;
      switch (decision.field) {
        case 'summary':
          if (value) fields.summary = value;
          break;
        case 'description':
          fields.description = value === null ? null : textToJiraDocument(value);
          break;
        case 'priority':
          if (value) fields.priority = { name: value };
          break;
        case 'type':
          if (value) fields.issuetype = { name: value };
          break;
        case 'assignee': {
          if (value === null) {
            fields.assignee = null;
            break;
          }
          const found = note(requestIds, await connected.site.findUsers(value));
          const user = found.find((candidate) => candidate.emailAddress?.toLowerCase() === value.toLowerCase());
          if (user?.accountId) fields.assignee = { accountId: user.accountId };
          else problems.push({ field: 'assignee', problem: 'no Jira user has the assignee\'s email address' });
          break;
        }
        default:
          break;
      }
    }
    if (Object.keys(fields).length > 0) note(requestIds, await connected.site.editIssue(issueKey, fields));
    const status = outbound.find((decision) => decision.field === 'status');
    if (status?.toJira) {
      const transitions = note(requestIds, await connected.site.getTransitions(issueKey)).transitions ?? [];
      const target = status.toJira.toLowerCase();
      const transition = transitions.find((candidate) => candidate.to?.name?.toLowerCase() === target);
      if (transition?.id) note(requestIds, await connected.site.transitionIssue(issueKey, transition.id));
      else problems.push({ field: 'status', problem: `no transition of ${issueKey} leads to the mapped Jira status` });
    }
    return problems;
  }

  /**
   * Ticket comments written in Custodian and not yet in Jira, each ending with the attribution line that names
   * its ticket (what a disconnect strips again). One the app already added (a retry after Jira took it but the
   * link was not committed) is found among the app's unlinked comments by its text, not added twice.
   */
  private async pushComments(connected: ConnectedJiraSite, issue: JiraIssue, ticketRef: string, jiraComments: Version3Models.Comment[], comments: TicketCommentRow[], requestIds: string[]) {
    const linkedJiraIds = new Set(comments.map((comment) => comment.jira_comment_id).filter(Boolean));
    const unlinkedOwn = jiraComments.filter((comment) => comment.author?.accountId === connected.accountId && comment.id && !linkedJiraIds.has(comment.id));
    const pushed: { commentId: string; jiraCommentId: string; jiraUpdated: Date | null; bodySha256: string }[] = [];
    for (const comment of comments) {
      if (comment.source !== 'custodian' || comment.author === JIRA_SYNC_COMMENT_AUTHOR || comment.jira_comment_id || comment.deleted_at) continue;
      const text = commentText(comment.author, comment.body);
      const earlier = unlinkedOwn.findIndex((candidate) => unattributedText(candidate.body) === text);
      const found = earlier >= 0 ? unlinkedOwn.splice(earlier, 1)[0] : note(requestIds, await connected.site.addComment(issue.key, attributedJiraDocument(text, ticketRef)));
      pushed.push({ commentId: comment.id, jiraCommentId: found.id!, jiraUpdated: found.updated ? new Date(found.updated) : null, bodySha256: commentBodySha256(comment.body) });
    }
    return pushed;
  }

  /** The issue's whole comment list: the one embedded in the issue unless Jira left some out of it. */
  private async allComments(connected: ConnectedJiraSite, issue: JiraIssue, requestIds: string[]): Promise<Version3Models.Comment[]> {
    const embedded = issue.fields.comment as Version3Models.PageOfComments | undefined;
    const listed = embedded?.comments ?? [];
    if ((embedded?.total ?? listed.length) <= listed.length) return listed;
    const all: Version3Models.Comment[] = [];
    for (;;) {
      const page = note(requestIds, await connected.site.getComments(issue.key, { startAt: all.length, maxResults: 100 }));
      all.push(...(page.comments ?? []));
      if ((page.comments ?? []).length === 0 || all.length >= (page.total ?? 0)) return all;
    }
  }

  /** Ticket edits of comments written here, onto their Jira copies; Jira's `updated` of each is what its echo will carry. */
  private async editJiraComments(connected: ConnectedJiraSite, issueKey: string, ticketRef: string, edits: { commentId: string; jiraCommentId: string; text: string; body: string }[], requestIds: string[]) {
    const sent: { commentId: string; body: string; jiraUpdated: Date | null }[] = [];
    for (const edit of edits) {
      const updated = note(requestIds, await connected.site.updateComment(issueKey, edit.jiraCommentId, attributedJiraDocument(edit.text, ticketRef)));
      sent.push({ commentId: edit.commentId, body: edit.body, jiraUpdated: updated.updated ? new Date(updated.updated) : null });
    }
    return sent;
  }

  /** A comment deleted here goes from Jira too; one Jira no longer has is already where it should be. */
  private async deleteJiraComment(connected: ConnectedJiraSite, issueKey: string, jiraCommentId: string, requestIds: string[]): Promise<void> {
    try {
      note(requestIds, await connected.site.deleteComment(issueKey, jiraCommentId));
    } catch (error) {
      if (!(error instanceof JiraConnectorError && error.type === 'JiraNotFound')) throw error;
    }
  }

  /** A ticket of a type the configuration creates issues for gets one, exactly once however often this is retried. */
  private async createIssueFor(tenantId: string, ticketId: string, configs: StoredConfig[]): Promise<JiraPairSyncResult> {
    const { db } = this.options;
    const ticket = (await db.withTenant(tenantId, (tx) => tx.$queryRaw<(TicketRow & { type: TicketType })[]>`SELECT id::text AS id, ref, version, summary, description, status, priority, type, assignee FROM tickets WHERE id = ${ticketId}::uuid`))[0];
    if (!ticket) return { ...nothing(null, null), followUp: null };
    const config = configs.find((candidate) => candidate.settings.createIssues?.ticketTypes.includes(ticket.type));
    if (!config) return { ...nothing(null, ticket.ref), followUp: null };
    const { settings } = config;
    const projectKey = settings.createIssues!.projectKey;
    const connected = await this.options.connections.siteFor(tenantId);
    const state = await this.options.states.ensure(tenantId);
    const requestIds: string[] = [];
    const jql = `project = "${projectKey}" AND issue.property[${TICKET_ISSUE_PROPERTY}].ticketId = "${ticket.id}"`;
    const found = note(requestIds, await connected.site.searchIssues({ jql, maxResults: 1, fields: ['updated'] }));
    let issueId: string;
    let issueKey: string;
    let created = false;
    if (found.issues[0]?.id) {
      issueId = found.issues[0].id;
      issueKey = found.issues[0].key!;
    } else {
      const type = toJira(settings, 'type', ticket.type);
      if (!type.ok || !type.value) throw new JiraConnectorError('JiraInvalidRequest', `the issue type map names no Jira type for ticket type ${ticket.type}`, false);
      const fields: JiraIssueFields = { project: { key: projectKey }, summary: ticket.summary ?? ticket.ref, issuetype: { name: type.value }, labels: [JIRA_SYNC_LABEL] };
      if (ticket.description && flowsToJira(settings.fields.description.direction)) fields.description = textToJiraDocument(ticket.description);
      const priority = toJira(settings, 'priority', ticket.priority);
      if (priority.ok && priority.value && flowsToJira(settings.fields.priority.direction)) fields.priority = { name: priority.value };
      const response = await connected.site.createIssue(fields, [{ key: TICKET_ISSUE_PROPERTY, value: { tenantId, ticketId: ticket.id, ticketRef: ticket.ref } }]);
      note(requestIds, response);
      await this.options.raw.keep(tenantId, state.id, { operation: 'issue create', issueKey: response.data.key, requestId: response.requestId, body: response.data });
      issueId = response.data.id;
      issueKey = response.data.key;
      created = true;
    }
    await db.withTenant(tenantId, async (tx) => {
      // No hashes yet: the issue path syncs status, assignee and the rest against what Jira made of the create.
      await tx.$executeRaw`INSERT INTO jira_issue_links (tenant_id, ticket_id, issue_id, issue_key, project_key) VALUES (${tenantId}::uuid, ${ticket.id}::uuid, ${issueId}, ${issueKey}, ${projectKey}) ON CONFLICT DO NOTHING`;
      await appendAuditEvent(tx, tenantId, {
        actor: JIRA_SYNC_ACTOR,
        action: 'jira.sync.issue_created',
        target: ticket.ref,
        outcome: 'success',
        details: { issueKey, ticketRef: ticket.ref, direction: 'to-jira', fields: ['summary', 'description', 'priority', 'issuetype'], foundEarlierCreate: !created, jiraRequestIds: requestIds },
      });
    });
    return { outcome: 'synced', issueKey, ticketRef: ticket.ref, toJira: ['summary', 'description', 'priority', 'issuetype'], fromJira: [], conflicts: [], followUp: issueKey };
  }

  /** An issue Custodian created for a ticket whose link was not committed: linked now, without hashes. */
  private async linkExisting(tenantId: string, ticketId: string, issue: JiraIssue, projectKey: string): Promise<LinkRow | undefined> {
    return this.options.db.withTenant(tenantId, async (tx) => {
      const exists = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM tickets WHERE id = ${ticketId}::uuid`;
      if (!exists[0]) return undefined;
      await tx.$executeRaw`INSERT INTO jira_issue_links (tenant_id, ticket_id, issue_id, issue_key, project_key) VALUES (${tenantId}::uuid, ${ticketId}::uuid, ${issue.id}, ${issue.key}, ${projectKey}) ON CONFLICT DO NOTHING`;
      return linkWhere(tx, 'issue', issue.id!);
    });
  }

  /** An issue of a configured project with no ticket yet (a new Jira issue, or the first backfill) becomes one. */
  private async createTicketFor(tenantId: string, issue: JiraIssue, projectKey: string, settings: JiraSyncSettings): Promise<LinkRow | undefined> {
    const { fields, synced } = newTicketOfIssue(issue.key, issue.fields, settings);
    return this.options.db.withTenant(tenantId, async (tx) => {
      const existing = await linkWhere(tx, 'issue', issue.id!);
      if (existing) return existing;
      const tenant = await tx.tenant.update({ where: { id: tenantId }, data: { lastTicketNumber: { increment: 1 } } });
      const ref = formatTicketRef(tenant.lastTicketNumber);
      const ticket = await tx.ticket.create({
        data: {
          tenantId,
          ref,
          type: fields.type!,
          status: fields.status!,
          summary: fields.summary!,
          description: fields.description,
          priority: fields.priority!,
          requester: issue.fields.reporter?.emailAddress ?? `jira:${issue.key}`,
          assignee: fields.assignee,
          workflowId: jiraSyncWorkflowId(tenantId),
        },
      });
      await tx.$executeRaw`INSERT INTO jira_issue_links (tenant_id, ticket_id, issue_id, issue_key, project_key, synced) VALUES (${tenantId}::uuid, ${ticket.id}::uuid, ${issue.id}, ${issue.key}, ${projectKey}, ${JSON.stringify(synced)}::jsonb)`;
      await appendAuditEvent(tx, tenantId, {
        actor: JIRA_SYNC_ACTOR,
        action: 'jira.sync.ticket_created',
        target: ref,
        outcome: 'success',
        details: { issueKey: issue.key, ticketRef: ref, direction: 'from-jira', fields: TICKET_EDITABLE_FIELDS.map((field) => JIRA_SYNC_FIELD_OF_TICKET_FIELD[field]) },
      });
      return linkWhere(tx, 'issue', issue.id!);
    });
  }

  private async configs(tenantId: string): Promise<StoredConfig[]> {
    const rows = await this.options.db.withTenant(tenantId, (tx) => tx.jiraSyncConfig.findMany({ orderBy: { createdAt: 'asc' } }));
    return rows.map((row) => ({ projectKeys: row.projectKeys, settings: row.settings as unknown as JiraSyncSettings }));
  }
}

/** Per field, what to write where (undefined when nothing flows). */
function decide(
  field: TicketEditableField,
  settings: JiraSyncSettings,
  last: { c: string; j: string } | undefined,
  values: { custodian: string | null; jira: string | null },
  context: { stale: boolean; jiraChangedAt: Date | null; custodianChangedAt: Date | null },
): FieldDecision | undefined {
  if (field === 'assignee' && !settings.assigneeByEmail) return undefined;
  const rule = settings.fields[JIRA_SYNC_FIELD_OF_TICKET_FIELD[field]];
  if (rule.direction === 'off') return undefined;
  const agree = sidesAgree(settings, field, values);
  const jiraChanged = flowsFromJira(rule.direction) && !context.stale && (last ? valueHash(values.jira) !== last.j : !agree);
  const custodianChanged = flowsToJira(rule.direction) && (last ? valueHash(values.custodian) !== last.c : !agree);
  const pull = (): FieldDecision => {
    const mapped = toCustodian(settings, field, values.jira);
    if (!mapped.ok) return { field, problem: mapped.problem };
    return mapped.value === values.custodian ? { field } : { field, toTicket: mapped.value };
  };
  const push = (): FieldDecision => {
    const mapped = toJira(settings, field, values.custodian);
    if (!mapped.ok) return { field, problem: mapped.problem };
    return agree ? { field } : { field, toJira: mapped.value };
  };
  if (jiraChanged && custodianChanged) {
    if (agree) return { field };
    const winner = conflictWinner(rule.strategy, context.jiraChangedAt, context.custodianChangedAt);
    return { ...(winner === 'jira' ? pull() : push()), conflict: { strategy: rule.strategy, winner } };
  }
  if (jiraChanged) return pull();
  if (custodianChanged) return push();
  // Nothing to move; the hashes still follow a one-way field's ignored side.
  return last && valueHash(values.jira) === last.j && valueHash(values.custodian) === last.c ? undefined : { field };
}

function conflictWinner(strategy: JiraConflictStrategy, jiraAt: Date | null, custodianAt: Date | null): 'jira' | 'custodian' {
  if (strategy === 'jira-wins') return 'jira';
  if (strategy === 'custodian-wins') return 'custodian';
  if (!jiraAt) return 'custodian';
  if (!custodianAt) return 'jira';
  return jiraAt.getTime() > custodianAt.getTime() ? 'jira' : 'custodian';
}

const CHANGELOG_FIELD: Record<TicketEditableField, string> = { summary: 'summary', description: 'description', status: 'status', priority: 'priority', type: 'issuetype', assignee: 'assignee' };

/** When someone other than the app last changed the field in Jira (its changelog), or null if never. */
function lastJiraChange(issue: JiraIssue, field: TicketEditableField, appAccountId: string): Date | null {
  let latest: Date | null = null;
  for (const history of issue.changelog?.histories ?? []) {
    if (history.author?.accountId === appAccountId || !history.created) continue;
    if (!(history.items ?? []).some((item) => (item.fieldId ?? item.field)?.toLowerCase() === CHANGELOG_FIELD[field])) continue;
    const at = new Date(history.created);
    if (!latest || at > latest) latest = at;
  }
  return latest;
}

/** Jira's value after we wrote `value` (descriptions come back as the text of the ADF we sent). */
function jiraAfterWrite(field: TicketEditableField, value: string | null): string | null {
  if (field === 'description') return value === null ? null : jiraDocumentToText(textToJiraDocument(value)) || null;
  if (field === 'assignee') return value?.toLowerCase() ?? null;
  return value;
}

/** Jira comments by others not yet on the ticket. */
function commentsFromJira(jiraComments: Version3Models.Comment[], comments: { jira_comment_id: string | null }[], appAccountId: string) {
  const linked = new Set(comments.map((comment) => comment.jira_comment_id).filter(Boolean));
  return jiraComments
    .filter((comment) => comment.id && !linked.has(comment.id) && comment.author?.accountId !== appAccountId)
    .map((comment) => ({
      jiraCommentId: comment.id!,
      jiraUpdated: comment.updated ? new Date(comment.updated) : null,
      author: comment.author?.displayName ?? 'Jira user',
      authorEmail: comment.author?.emailAddress ?? null,
      body: jiraDocumentToText(comment.body) || '(empty comment)',
    }));
}

/** How a Custodian comment reads in Jira: who wrote it, then what. */
function commentText(author: string, body: string): string {
  return `${author} (Custodian):\n${body}`;
}

function ticketIdOfProperty(issue: JiraIssue, tenantId: string): string | undefined {
  const value = (issue.properties as Record<string, unknown> | undefined)?.[TICKET_ISSUE_PROPERTY] as { tenantId?: unknown; ticketId?: unknown } | undefined;
  return value?.tenantId === tenantId && typeof value.ticketId === 'string' ? value.ticketId : undefined;
}

async function linkWhere(tx: TenantTransaction, by: 'ticket' | 'issue', id: string): Promise<LinkRow | undefined> {
  const rows =
    by === 'ticket'
      ? await tx.$queryRaw<LinkRow[]>`SELECT id::text AS id, ticket_id::text AS ticket_id, issue_id, issue_key, project_key, synced, issue_updated FROM jira_issue_links WHERE ticket_id = ${id}::uuid`
      : await tx.$queryRaw<LinkRow[]>`SELECT id::text AS id, ticket_id::text AS ticket_id, issue_id, issue_key, project_key, synced, issue_updated FROM jira_issue_links WHERE issue_id = ${id}`;
  return rows[0];
}

function note<T>(requestIds: string[], response: JiraResponse<T>): T {
  if (response.requestId) requestIds.push(response.requestId);
  return response.data;
}

function nothing(issueKey: string | null, ticketRef: string | null): Omit<JiraPairSyncResult, 'followUp'> {
  return { outcome: 'not-synced', issueKey, ticketRef, toJira: [], fromJira: [], conflicts: [] };
}
