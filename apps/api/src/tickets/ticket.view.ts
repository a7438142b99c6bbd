import type { TicketIntakeState } from '../../../../libs/contracts';
import type { Prisma } from '../../../../libs/db';

export interface TicketView {
  id: string;
  ref: string;
  type: string;
  status: string;
  summary: string;
  description: string | null;
  priority: string;
  requester: string;
  assignee: string | null;
  workflowId: string;
  /** Bumped on every change of an editable field; the ticket's ETag. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowView {
  id: string;
  /** Temporal's execution status (RUNNING, COMPLETED, ...), or UNKNOWN when Temporal cannot be reached. */
  status: string;
  /** The workflow's own state (recorded on the ticket by its activity, or from its query); null when it could not answer in time. */
  state: TicketIntakeState | null;
}

/** The intake workflow as its activity recorded it on the ticket row; undefined while the row has no record yet. */
export function recordedWorkflowView(row: {
  workflowId: string;
  intakeWorkflowStatus: string | null;
  intakeWorkflowState: Prisma.JsonValue | null;
}): WorkflowView | undefined {
  if (!row.intakeWorkflowStatus || !row.intakeWorkflowState) return undefined;
  return { id: row.workflowId, status: row.intakeWorkflowStatus, state: row.intakeWorkflowState as unknown as TicketIntakeState };
}

export function toTicketView(row: {
  id: string;
  ref: string;
  type: string;
  status: string;
  summary: string;
  description: string | null;
  priority: string;
  requester: string;
  assignee: string | null;
  workflowId: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}): TicketView {
  return {
    id: row.id,
    ref: row.ref,
    type: row.type,
    status: row.status,
    summary: row.summary,
    description: row.description,
    priority: row.priority,
    requester: row.requester,
    assignee: row.assignee,
    workflowId: row.workflowId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
