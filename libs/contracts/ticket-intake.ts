import { defineQuery } from '@temporalio/workflow';
import type { TicketPriority, TicketStatus, TicketType } from './tickets';

export const TICKET_INTAKE_WORKFLOW = 'ticketIntakeWorkflow';

export function ticketIntakeWorkflowId(tenantId: string, ticketRef: string): string {
  return `ticket/${tenantId}/${ticketRef}`;
}

/** Identifiers only: ticket content stays in the database, not in workflow history. */
export interface TicketIntakeInput {
  tenantId: string;
  ticketId: string;
  ticketRef: string;
  type: TicketType;
  priority: TicketPriority;
  /** Who asked for the work (the API key's name), recorded in the audit trail. */
  requestedBy: string;
}

export type TicketIntakeStep = 'received' | 'triaging' | 'triaged';

export interface TicketIntakeState {
  step: TicketIntakeStep;
  ticketStatus: TicketStatus;
  /** ISO times at which each step was reached, in workflow time. */
  history: { step: TicketIntakeStep; at: string }[];
}

export interface TicketIntakeResult {
  ticketStatus: TicketStatus;
  auditSeq: number | null;
}

export const ticketIntakeStateQuery = defineQuery<TicketIntakeState>('ticketIntakeState');

/** What the activities the intake workflow calls must provide. */
export interface TicketActivities {
  markTicketTriaged(input: TicketIntakeInput): Promise<{ ticketStatus: TicketStatus; auditSeq: number | null }>;
}
