import type { GoogleOperationKind, GoogleOperationState } from '../../../../libs/contracts';

/** A Google operation as the API shows it: the workflow's live state, and how it ended if it did. */
export interface GoogleOperationView {
  kind: GoogleOperationKind;
  ticketRef: string;
  workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, ... */
  status: string;
  statusUrl: string;
  state: GoogleOperationState | GoogleOperationStepsView | null;
  failure: { type: string | null; message: string } | null;
  /**
   * Password resets only, while the password is still unseen: the absolute link where the temporary password can
   * be read, once. For agents and above; for an approved administrator's reset, only its requester, managers and admins.
   */
  temporaryPassword?: { url: string; expiresAt: string } | null;
}

/** A reset of an administrator waiting for approval, as the console's pending operations list it. */
export interface AwaitingApprovalView {
  ticketRef: string;
  summary: string | null;
  statusUrl: string;
  approvalDeadline: string | null;
  /** The caller started it, so the caller may not approve it. */
  requestedByYou: boolean;
}

/** The state of an unlock or an access change: sign-in, approval and the one-time secret belong to resets alone. */
export type GoogleOperationStepsView = Pick<GoogleOperationState, 'step' | 'outcome' | 'history'>;

/** A workflow's state as its kind's status shows it. */
export function stateView(kind: GoogleOperationKind, state: GoogleOperationState | null): GoogleOperationView['state'] {
  if (!state || kind === 'password-reset') return state;
  return { step: state.step, outcome: state.outcome, history: state.history };
}

/** Where each kind's resources live under /v1. */
export const GOOGLE_OPERATION_PATHS: Record<GoogleOperationKind, string> = {
  'password-reset': '/v1/password-resets',
  'account-unlock': '/v1/account-unlocks',
  'access-change': '/v1/access-changes',
};
