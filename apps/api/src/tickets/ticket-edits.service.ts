import { Injectable } from '@nestjs/common';
import { appendAuditEvent } from '../../../../libs/audit';
import { TICKET_EDITABLE_FIELDS, type TicketFieldChange } from '../../../../libs/contracts';
import { TenantScopedDatabase, type Prisma, type TenantTransaction } from '../../../../libs/db';
import { setTicketChangeContext } from '../../../../libs/tickets/ticket-change-context';
import type { TicketKey } from '../../../../libs/tickets/ticket-key';
import { ApiError, notFound } from '../errors/api-error';
import { JiraTicketChanges } from '../jira-sync/jira-ticket-changes';
import { assertIfMatch } from '../platform/if-match';
import { toTicketView, type TicketView } from './ticket.view';
import type { UpdateTicketDto } from './update-ticket.dto';

/**
 * Edits of a ticket's fields by people. The tickets trigger records each changed field (who, which side,
 * when) and bumps the version; this adds the audit event, which names the fields but never their values.
 */
@Injectable()
export class TicketEditsService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly jiraSync: JiraTicketChanges,
  ) {}

  async update(tenantId: string, key: TicketKey, edit: UpdateTicketDto, acceptedVersions: number[] | undefined, actor: string): Promise<TicketView> {
    const given = TICKET_EDITABLE_FIELDS.filter((field) => edit[field] !== undefined);
    if (given.length === 0) {
      throw new ApiError(400, 'validation_failed', `name at least one of ${TICKET_EDITABLE_FIELDS.join(', ')}`, [
        { field: 'body', problems: ['no field to change'] },
      ]);
    }
    const view = await this.db.withTenant(tenantId, async (tx) => {
      const current = await lockTicket(tx, key);
      if (!current) throw notFound('ticket');
      assertIfMatch(acceptedVersions, current.version, `ticket ${current.ref}`);
      const changed = given.filter((field) => current[field] !== edit[field]);
      if (changed.length === 0) return toTicketView(current);
      await setTicketChangeContext(tx, { actor, source: 'custodian' });
      const data: Prisma.TicketUpdateInput = {};
      for (const field of changed) Object.assign(data, { [field]: edit[field] ?? null });
      const updated = await tx.ticket.update({ where: { id: current.id }, data });
      await appendAuditEvent(tx, tenantId, {
        actor,
        action: 'ticket.updated',
        target: updated.ref,
        outcome: 'success',
        details: { ticketId: updated.id, fields: changed, version: updated.version },
      });
      return toTicketView(updated);
    });
    await this.jiraSync.changed(tenantId, view.id);
    return view;
  }

  /** Every recorded field change of the ticket, oldest first. */
  async changes(tenantId: string, key: TicketKey): Promise<TicketFieldChange[]> {
    return this.db.withTenant(tenantId, async (tx) => {
      const ticket = await tx.ticket.findFirst({ where: key, select: { id: true } });
      if (!ticket) throw notFound('ticket');
      const rows = await tx.ticketFieldChange.findMany({ where: { ticketId: ticket.id }, orderBy: [{ version: 'asc' }, { field: 'asc' }] });
      return rows.map((row) => ({
        field: row.field as TicketFieldChange['field'],
        version: row.version,
        source: row.source as TicketFieldChange['source'],
        actor: row.actor,
        changedAt: row.changedAt.toISOString(),
      }));
    });
  }
}

/** The ticket, locked until the transaction ends, so concurrent edits queue and If-Match compares a settled version. */
async function lockTicket(tx: TenantTransaction, key: TicketKey) {
  const locked = 'id' in key
    ? await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM tickets WHERE id = ${key.id}::uuid FOR UPDATE`
    : await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM tickets WHERE ref = ${key.ref} FOR UPDATE`;
  return locked[0] ? tx.ticket.findUnique({ where: { id: locked[0].id } }) : null;
}
