import type { GoogleOperationKind, GoogleOperationState } from '../../../../libs/contracts';

/** A Google operation as the API shows it: the workflow's live state, and how it ended if it did. */
export interface GoogleOperationView {
  kind: GoogleOperationKind;
  ticketRef: string;
  workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, ... */
  status: string;
  statusUrl: string;
  state: GoogleOperationState | null;
  failure: { type: string | null; message: string } | null;
  /**
   * Password resets only, while the password is still unseen: where the temporary password can be read, once.
   * For agents and above; for an approved administrator's reset, only its requester, managers and admins.
   */
  temporaryPassword?: { url: string; expiresAt: string } | null;
}

/** Where each kind's resources live under /v1. */
export const GOOGLE_OPERATION_PATHS: Record<GoogleOperationKind, string> = {
  'password-reset': '/v1/password-resets',
  'account-unlock': '/v1/account-unlocks',
  'access-change': '/v1/access-changes',
};
