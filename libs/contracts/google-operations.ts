import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const PASSWORD_RESET_WORKFLOW = 'passwordResetWorkflow';
export const ACCOUNT_UNLOCK_WORKFLOW = 'accountUnlockWorkflow';
export const ACCESS_CHANGE_WORKFLOW = 'accessChangeWorkflow';

export type GoogleOperationKind = 'password-reset' | 'account-unlock' | 'access-change';

/** One workflow per ticket and operation: a repeated request finds the same one. */
export function googleOperationWorkflowId(kind: GoogleOperationKind, tenantId: string, ticketRef: string): string {
  return `${kind}/${tenantId}/${ticketRef}`;
}

/** What every Google operation knows: identifiers only, never a password. */
export interface GoogleOperationInput {
  tenantId: string;
  ticketRef: string;
  /** The Workspace user acted on (primary email). */
  userEmail: string;
  /** The audit actor who asked (the API key's name). */
  requestedBy: string;
  /** Who asked, as an identity (the API key's id): names are not unique, so checks compare this. */
  requesterId: string;
}

export interface PasswordResetInput extends GoogleOperationInput {
  /** End the user's sessions after the reset. */
  signOut: boolean;
}

export const ACCESS_CHANGE_ACTIONS = ['suspend', 'unsuspend', 'sign_out', 'revoke_app_access'] as const;
export type AccessChangeAction = (typeof ACCESS_CHANGE_ACTIONS)[number];

export interface AccessChangeInput extends GoogleOperationInput {
  /** Carried out in this order. */
  actions: AccessChangeAction[];
}

export type GoogleOperationStep =
  | 'checking_user'
  | 'awaiting_approval'
  | 'setting_password'
  | 'signing_out'
  | 'unsuspending'
  | 'changing_access'
  | 'completed'
  | 'expired'
  | 'cancelled'
  | 'failed';

/**
 * How the user signs in, from the tenant's declared SSO org units and the user's org unit: `google` (a Google
 * password and change-at-next-login apply), `sso` (a third-party identity provider: they do not), or
 * `undeclared` (the tenant has not declared its SSO org units, so it is not known).
 */
export type GoogleSignIn = 'google' | 'sso' | 'undeclared';

export interface GoogleOperationState {
  step: GoogleOperationStep;
  /** Password resets, once the user is looked up: how the user signs in (see GoogleSignIn); else null. */
  signIn: GoogleSignIn | null;
  /** Set while approval is awaited: when the request expires unapproved. */
  approvalDeadline: string | null;
  approvedBy: string | null;
  /** Why it ended as failed, expired or cancelled. */
  outcome: string | null;
  /** The one-time secret holding the temporary password (its id, never the password or its link). */
  secretId: string | null;
  history: { step: GoogleOperationStep; at: string }[];
}

/** An approval or a cancellation, checked by the workflow's validator against the tenant and role. */
export interface GoogleOperationDecision {
  tenantId: string;
  /** The caller's audit actor. */
  decidedBy: string;
  /** The caller's identity (its API key's id), compared with the requester's. */
  deciderId: string;
  role: string;
}

/** Who may approve a reset of an administrator. */
export const APPROVER_ROLES: readonly string[] = ['admin', 'manager'];
/** Who may cancel a request while it awaits approval. */
export const CANCELLER_ROLES: readonly string[] = ['admin', 'manager', 'agent'];
/** How long an administrator's reset waits for approval. */
export const APPROVAL_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export const googleOperationStateQuery = defineQuery<GoogleOperationState>('googleOperationState');
export const approvePasswordResetUpdate = defineUpdate<GoogleOperationState, [GoogleOperationDecision]>('approvePasswordReset');
export const cancelGoogleOperationUpdate = defineUpdate<GoogleOperationState, [GoogleOperationDecision]>('cancelGoogleOperation');

/** What the connector found about the target user. */
export interface GoogleUserSummary {
  primaryEmail: string;
  isAdmin: boolean;
  isDelegatedAdmin: boolean;
  suspended: boolean;
  suspensionReason: string | null;
  orgUnitPath: string;
  signIn: GoogleSignIn;
}

export interface TicketOutcome {
  tenantId: string;
  ticketRef: string;
  status: 'in_progress' | 'resolved' | 'rejected';
  comment: string;
  author: string;
  /** The operation's state after this step, recorded in the same transaction (what GET answers from). */
  record?: GoogleOperationRecord;
}

/**
 * A Google operation as its workflow records it for its status page (table google_operations). Never a password
 * or any secret: the state names the one-time secret by its id only.
 */
export interface GoogleOperationRecord {
  tenantId: string;
  kind: GoogleOperationKind;
  ticketRef: string;
  workflowId: string;
  requesterId: string | null;
  /** The execution status the workflow will have once this record is written: it only ends after its last one. */
  status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  state: GoogleOperationState;
  failure: { type: string | null; message: string } | null;
  /** Counts the workflow's records, so a late write of an older one changes nothing. */
  revision: number;
}

export interface GoogleOperationAuditEvent {
  tenantId: string;
  ticketRef: string;
  userEmail: string;
  actor: string;
  action: string;
  outcome: 'success' | 'failure' | 'pending';
  /** Unique per event within the tenant, e.g. `<workflow id>/approved`. */
  eventKey: string;
  details?: Record<string, string | number | boolean | null>;
  /** The operation's state after this step, recorded in the same transaction as the event. */
  record?: GoogleOperationRecord;
}

/** The activities the Google operation workflows call. */
export interface GoogleOperationActivities {
  lookUpGoogleUser(input: GoogleOperationInput): Promise<GoogleUserSummary>;
  setTemporaryPassword(input: GoogleOperationInput & { workflowId: string }): Promise<{ secretId: string }>;
  signOutGoogleUser(input: GoogleOperationInput): Promise<void>;
  suspendGoogleUser(input: GoogleOperationInput): Promise<void>;
  unsuspendGoogleUser(input: GoogleOperationInput): Promise<void>;
  revokeGoogleAppAccess(input: GoogleOperationInput): Promise<{ grantsRevoked: number; appPasswordsRevoked: number }>;
  recordTicketOutcome(outcome: TicketOutcome): Promise<void>;
  /** A decision of the workflow (approved, expired, cancelled), written once however often it is retried. */
  auditGoogleOperation(event: GoogleOperationAuditEvent): Promise<void>;
  /** The operation's state at a step that writes no audit event or ticket comment of its own. */
  recordGoogleOperation(record: GoogleOperationRecord): Promise<void>;
}

/** Failure types the activities raise on purpose, none worth retrying. */
export const GOOGLE_OPERATION_REFUSED = 'GoogleOperationRefused';
