import { ApplicationFailure, Context } from '@temporalio/activity';
import { appendAuditEvent } from '../libs/audit';
import type { TicketActivities, TicketIntakeInput, TicketIntakeState, TicketStatus } from '../libs/contracts';
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
      const { workflowExecution, scheduledTimestampMs } = Context.current().info;
      const workflowId = workflowExecution?.workflowId;
      return db.withTenant(input.tenantId, async (tx) => {
        const now = new Date();
        const moved = await tx.ticket.updateMany({
          where: { id: input.ticketId, status: 'new' },
          data: { status: 'triaged', updatedAt: now, ...intakeRecord('triaged', scheduledTimestampMs, now) },
        });
        if (moved.count === 0) {
          const ticket = await tx.ticket.findUnique({ where: { id: input.ticketId }, select: { status: true } });
          if (!ticket) {
            throw ApplicationFailure.nonRetryable(`ticket ${input.ticketRef} does not exist`, 'TicketNotFound');
          }
          const ticketStatus = ticket.status as TicketStatus;
          await tx.ticket.update({ where: { id: input.ticketId }, data: intakeRecord(ticketStatus, scheduledTimestampMs, now) });
          return { ticketStatus, auditSeq: null };
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

/**
 * The intake's state as its workflow will report it, for the ticket row: this activity is the intake's last step,
 * so once it commits the workflow only returns (COMPLETED). The workflow reached 'received' and 'triaging' in the
 * task that scheduled this activity.
 */
function intakeRecord(ticketStatus: TicketStatus, scheduledAtMs: number, triagedAt: Date) {
  const scheduledAt = new Date(scheduledAtMs).toISOString();
  const state = {
    step: 'triaged',
    ticketStatus,
    history: [
      { step: 'received', at: scheduledAt },
      { step: 'triaging', at: scheduledAt },
      { step: 'triaged', at: triagedAt.toISOString() },
    ],
  } satisfies TicketIntakeState;
  return { intakeWorkflowStatus: 'COMPLETED', intakeWorkflowState: state };
}
