import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '../../../../libs/audit';
import { JiraTicketChanges } from '../jira-sync/jira-ticket-changes';
import type { TicketChangeSource, TicketCommentView } from '../../../../libs/contracts';
import { TenantScopedDatabase } from '../../../../libs/db';
import type { TicketKey } from '../../../../libs/tickets/ticket-key';
import { notFound } from '../errors/api-error';

/** Comments people write on a ticket through the API; audited by id, never by content. */
@Injectable()
export class TicketCommentsService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly jiraSync: JiraTicketChanges,
  ) {}

  async add(tenantId: string, key: TicketKey, body: string, author: { name: string; auditActor: string }): Promise<TicketCommentView> {
    const added = await this.db.withTenant(tenantId, async (tx) => {
      const ticket = await tx.ticket.findFirst({ where: key, select: { id: true, ref: true } });
      if (!ticket) throw notFound('ticket');
      const id = randomUUID();
      const row = await tx.ticketComment.create({
        data: { id, tenantId, ticketId: ticket.id, author: author.name, body, source: 'custodian', dedupeKey: `api/${id}` },
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

  /** The ticket's comments, oldest first, from every source (API, workflows, Jira). */
  async list(tenantId: string, key: TicketKey): Promise<TicketCommentView[]> {
    return this.db.withTenant(tenantId, async (tx) => {
      const ticket = await tx.ticket.findFirst({ where: key, select: { id: true } });
      if (!ticket) throw notFound('ticket');
      const rows = await tx.ticketComment.findMany({ where: { ticketId: ticket.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
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
}): TicketCommentView {
  return {
    id: row.id,
    author: row.author,
    authorEmail: row.authorEmail,
    body: row.body,
    source: row.source as TicketChangeSource,
    externalId: row.externalId,
    createdAt: row.createdAt.toISOString(),
  };
}
