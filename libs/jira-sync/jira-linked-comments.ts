import { createHash } from 'node:crypto';
import type { Version3Models } from 'jira.js';
import { jiraDocumentToText, unattributedText } from './jira-document-text';

/** A ticket comment as the pair sync reads it, with its Jira link and what was last synced through it. */
export interface TicketCommentRow {
  id: string;
  author: string;
  body: string;
  source: string;
  deleted_at: Date | null;
  jira_comment_id: string | null;
  jira_updated: Date | null;
  synced_body_sha256: string | null;
}

export interface LinkedCommentChanges {
  /** Jira edits of comments taken from Jira: the ticket comment gets the new text. */
  editedInJira: { commentId: string; jiraCommentId: string; body: string; jiraUpdated: Date | null }[];
  /** Linked comments Jira no longer has: the ticket comment is marked deleted. */
  deletedInJira: { commentId: string; jiraCommentId: string }[];
  /** Ticket comments written here and edited since they were last sent: Jira's copy gets the new text. */
  editedHere: { commentId: string; jiraCommentId: string; text: string; body: string }[];
  /** Ticket comments written here and deleted here whose Jira copy is still there. */
  deletedHere: { commentId: string; jiraCommentId: string }[];
}

/**
 * What changed on comments already linked, on either side, judged only from both sides as read now: a Jira
 * comment is newer than the link's last applied `updated` and edited by someone other than the app (so our own
 * edit coming back is nothing), or gone from the complete comment list; a ticket comment's body differs
 * from the one last sent (its hash), or it was deleted here. Only linked comments are ever touched, and each side
 * edits only what it wrote: Jira's text wins for comments from Jira, the ticket's for comments written here.
 */
export function linkedCommentChanges(
  ours: TicketCommentRow[],
  jiraComments: Version3Models.Comment[],
  options: { appAccountId: string; fromJira: boolean; toJira: boolean; syncNotesAuthor: string; jiraTextOf: (author: string, body: string) => string },
): LinkedCommentChanges {
  const changes: LinkedCommentChanges = { editedInJira: [], deletedInJira: [], editedHere: [], deletedHere: [] };
  const inJira = new Map(jiraComments.filter((comment) => comment.id).map((comment) => [comment.id!, comment]));
  for (const comment of ours) {
    if (!comment.jira_comment_id || comment.author === options.syncNotesAuthor) continue;
    const jira = inJira.get(comment.jira_comment_id);
    const link = { commentId: comment.id, jiraCommentId: comment.jira_comment_id };
    if (comment.deleted_at) {
      if (jira && options.toJira && comment.source === 'custodian') changes.deletedHere.push(link);
      continue;
    }
    if (!jira) {
      if (options.fromJira) changes.deletedInJira.push(link);
      continue;
    }
    if (comment.source === 'jira' && options.fromJira) {
      const jiraUpdated = jira.updated ? new Date(jira.updated) : null;
      const newer = !comment.jira_updated || !jiraUpdated || jiraUpdated > comment.jira_updated;
      const body = jiraDocumentToText(jira.body) || '(empty comment)';
      if (newer && body !== comment.body && jira.updateAuthor?.accountId !== options.appAccountId) changes.editedInJira.push({ ...link, body, jiraUpdated });
    }
    if (comment.source === 'custodian' && options.toJira) {
      const text = options.jiraTextOf(comment.author, comment.body);
      // A link from before these hashes were kept compares the texts instead.
      const changed = comment.synced_body_sha256 ? commentBodySha256(comment.body) !== comment.synced_body_sha256 : unattributedText(jira.body) !== text;
      if (changed) changes.editedHere.push({ ...link, text, body: comment.body });
    }
  }
  return changes;
}

export function commentBodySha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}
