import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '../../../../libs/audit';
import { JiraTicketChanges } from '../jira-sync/jira-ticket-changes';
import type { TicketChangeSource, TicketCommentView } from '../../../../libs/contracts';
import { TenantScopedDatabase, type TenantTransaction } from '../../../../libs/db';
import type { TicketKey } from '../../../../libs/tickets/ticket-key';
import { isUuid } from './ticket-key';
import type { TenantRole } from '../auth/principal';
import { ApiError, notFound } from '../errors/api-error';

/** Who changes a comment: its author, or a role that moderates anyone's (a manager or admin). */
export interface CommentEditor {
  name: string;
  principalId: string;
  role: TenantRole;
  auditActor: string;
}

const MODERATOR_ROLES: readonly TenantRole[] = ['admin', 'manager'];

/** Comments people write on a ticket through the API; audited by id, never by content. */
@Injectable()
export class TicketCommentsService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly jiraSync: JiraTicketChanges,
  ) {}

  async add(tenantId: string, key: TicketKey, body: string, author: { name: string; principalId: string; auditActor: string }): Promise<TicketCommentView> {
    const added = await this.db.withTenant(tenantId, async (tx) => {
      const ticket = await tx.ticket.findFirst({ where: key, select: { id: true, ref: true } });
      if (!ticket) throw notFound('ticket');
      const id = randomUUID();
      const row = await tx.ticketComment.create({
        data: { id, tenantId, ticketId: ticket.id, author: author.name, authorPrincipal: author.principalId, body, source: 'custodian', dedupeKey: `api/${id}` },
      });
      await appendAuditEvent(tx, tenantId, {
        actor: author.auditActor,
        action: 'ticket.comment_added',
        target: ticket.ref,
        outcome: 'success',
        details: { ticketId: ticket.id, commentId: id, source: 'custodian' },
      });
      return { view: toCommentView(row), ticketId: ticket.id };
    });
    await this.jiraSync.changed(tenantId, added.ticketId);
    return added.view;
  }

  /** Replaces a comment's text; a Jira sync configured for comments carries the edit to the linked Jira comment. */
  async edit(tenantId: string, key: TicketKey, commentId: string, body: string, editor: CommentEditor): Promise<TicketCommentView> {
    const edited = await this.db.withTenant(tenantId, async (tx) => {
      const { ticket, comment } = await this.changeable(tx, key, commentId, editor);
      const row = await tx.ticketComment.update({ where: { id: comment.id }, data: { body, editedAt: new Date() } });
      await appendAuditEvent(tx, tenantId, {
        actor: editor.auditActor,
        action: 'ticket.comment_edited',
        target: ticket.ref,
        outcome: 'success',
        details: { ticketId: ticket.id, commentId: comment.id, source: 'custodian' },
      });
      return { view: toCommentView(row), ticketId: ticket.id };
    });
    await this.jiraSync.changed(tenantId, edited.ticketId);
    return edited.view;
  }

  /** Marks a comment deleted (kept for the audit trail, left out of the list); the sync deletes its Jira copy. */
  async remove(tenantId: string, key: TicketKey, commentId: string, editor: CommentEditor): Promise<void> {
    const ticketId = await this.db.withTenant(tenantId, async (tx) => {
      const { ticket, comment } = await this.changeable(tx, key, commentId, editor);
      await tx.ticketComment.update({ where: { id: comment.id }, data: { deletedAt: new Date() } });
      await appendAuditEvent(tx, tenantId, {
        actor: editor.auditActor,
        action: 'ticket.comment_deleted',
        target: ticket.ref,
        outcome: 'success',
        details: { ticketId: ticket.id, commentId: comment.id, source: 'custodian' },
      });
      return ticket.id;
    });
    await this.jiraSync.changed(tenantId, ticketId);
  }

  /**
   * The comment, locked, if this editor may change it: 404 for a ticket or comment that is not there (or was
   * deleted), 409 for a comment taken from Jira (its text belongs to Jira and is edited there), 403 for another
   * person's comment unless the editor moderates.
   */
  private async changeable(tx: TenantTransaction, key: TicketKey, commentId: string, editor: CommentEditor) {
    const ticket = await tx.ticket.findFirst({ where: key, select: { id: true, ref: true } });
    if (!ticket) throw notFound('ticket');
    if (!isUuid(commentId)) throw notFound('comment');
    const [comment] = await tx.$queryRaw<{ id: string; source: string; author_principal: string | null }[]>`
      SELECT id::text AS id, source, author_principal FROM ticket_comments WHERE id = ${commentId}::uuid AND ticket_id = ${ticket.id}::uuid AND deleted_at IS NULL FOR UPDATE`;
    if (!comment) throw notFound('comment');
    if (comment.source !== 'custodian') throw new ApiError(409, 'conflict', 'this comment was taken from Jira; it is edited or deleted in Jira');
    if (comment.author_principal !== editor.principalId && !MODERATOR_ROLES.includes(editor.role)) {
      throw new ApiError(403, 'forbidden', "only the comment's author, a manager or an admin may change it");
    }
    return { ticket, comment };
  }

  /** The ticket's comments, oldest first, from every source (API, workflows, Jira); deleted ones are left out. */
  async list(tenantId: string, key: TicketKey): Promise<TicketCommentView[]> {
    return this.db.withTenant(tenantId, async (tx) => {
      const ticket = await tx.ticket.findFirst({ where: key, select: { id: true } });
      if (!ticket) throw notFound('ticket');
      const rows = await tx.ticketComment.findMany({ where: { ticketId: ticket.id, deletedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toCommentView);
    });
  }
}

function toCommentView(row: {
  id: string;
  author: string;
  authorEmail: string | null;
  body: string;
  source: string;
  externalId: string | null;
  createdAt: Date;
  editedAt: Date | null;
}): TicketCommentView {
  return {
    id: row.id,
    author: row.author,
    authorEmail: row.authorEmail,
    body: row.body,
    source: row.source as TicketChangeSource,
    externalId: row.externalId,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
  };
}
