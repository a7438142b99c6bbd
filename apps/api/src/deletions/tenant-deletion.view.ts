import type { TenantDeletionPhase, TenantDeletionState } from '../../../../libs/contracts';

export interface TenantDeletionView {
  workflowId: string;
  phase: TenantDeletionPhase;
  requestedBy: string;
  requestedAt: string;
  scheduledAt: string;
  /** Until the grace period ends, by this server's clock; 0 once it has ended. */
  remainingMs: number;
  cancelledBy: string | null;
  cancelledAt: string | null;
  currentTable: string | null;
  completedAt: string | null;
}

export function toTenantDeletionView(workflowId: string, state: TenantDeletionState, now = Date.now()): TenantDeletionView {
  return {
    workflowId,
    phase: state.phase,
    requestedBy: state.requestedBy,
    requestedAt: state.requestedAt,
    scheduledAt: state.scheduledAt,
    remainingMs: state.phase === 'pending' ? Math.max(0, Date.parse(state.scheduledAt) - now) : 0,
    cancelledBy: state.cancelledBy,
    cancelledAt: state.cancelledAt,
    currentTable: state.currentTable,
    completedAt: state.completedAt,
  };
}
