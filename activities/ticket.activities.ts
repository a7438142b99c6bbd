import { ApplicationFailure, Context } from '@temporalio/activity';
import { appendAuditEvent } from '../libs/audit';
import type { TicketActivities, TicketIntakeInput, TicketStatus } from '../libs/contracts';
import type { TenantScopedDatabase } from '../libs/db';

export interface TicketActivityDependencies {
  db: TenantScopedDatabase;
}

export function createTicketActivities({ db }: TicketActivityDependencies): TicketActivities {
  return {
    /**
     * Moves a new ticket to triaged and audits it in one transaction. Retry-safe: a retry after the commit
     * finds the ticket no longer new and changes nothing, so the event is never written twice.
     */
    async markTicketTriaged(input: TicketIntakeInput) {
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      return db.withTenant(input.tenantId, async (tx) => {
        const moved = await tx.ticket.updateMany({
          where: { id: input.ticketId, status: 'new' },
          data: { status: 'triaged', updatedAt: new Date() },
        });
        if (moved.count === 0) {
          const ticket = await tx.ticket.findUnique({ where: { id: input.ticketId }, select: { status: true } });
          if (!ticket) {
            throw ApplicationFailure.nonRetryable(`ticket ${input.ticketRef} does not exist`, 'TicketNotFound');
          }
          return { ticketStatus: ticket.status as TicketStatus, auditSeq: null };
        }
        const event = await appendAuditEvent(tx, input.tenantId, {
          actor: 'workflow:ticket-intake',
          action: 'ticket.triaged',
          target: input.ticketRef,
          outcome: 'success',
          details: { ticketId: input.ticketId, priority: input.priority, requestedBy: input.requestedBy, workflowId },
        });
        return { ticketStatus: 'triaged' as const, auditSeq: event.seq };
      });
    },
  };
}
