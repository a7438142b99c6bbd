import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { JiraDisconnectionReport } from './jira-disconnection';

export const TENANT_DELETION_WORKFLOW = 'tenantDeletionWorkflow';

/** One per tenant: a second request while one is open finds the open one (workflowIdConflictPolicy USE_EXISTING). */
export function tenantDeletionWorkflowId(tenantId: string): string {
  return `tenant-deletion/${tenantId}`;
}

/** The Update validator's refusal once the grace period is over or the deletion is no longer pending. */
export const DELETION_NOT_CANCELLABLE = 'DeletionNotCancellable';
/** The Update validator's refusal of a caller who is not an admin of the tenant. */
export const DELETION_CANCEL_FORBIDDEN = 'DeletionCancelForbidden';
/** Deletions that began before Jira was disconnected as a step replay without it. */
export const TENANT_DELETION_JIRA_PATCH = 'tenant-deletion-disconnects-jira';

export interface TenantDeletionInput {
  tenantId: string;
  /** The audit actor who asked (api-key:<name>). */
  requestedBy: string;
  /** Receives the notices and, at the end, the deletion certificate. */
  requesterEmail: string;
  requestedAt: string;
  /** End of the grace period (ISO); the tenants row carries the same time, and the database checks it too. */
  scheduledAt: string;
  /** Set when the deletion phase continues as new, to carry on where it was. */
  resume?: TenantDeletionProgress;
}

/** What deleting one table is for: most tables hold rows; data_keys destroys the keys (crypto-shredding). */
export type DeletionStepPurpose = 'rows' | 'data_keys' | 'tenant_row';

export interface DeletionStep {
  table: string;
  purpose: DeletionStepPurpose;
}

export interface CredentialRevocationOutcome {
  provider: string;
  outcome: 'revoked' | 'failed' | 'none';
  detail?: string;
}

export interface TenantDeletionProgress {
  /** Tables in foreign-key order (referencing tables first), from the catalogue when the timer fired. */
  plan: DeletionStep[];
  stepIndex: number;
  /** Passes over tables that still held rows at the final check (a late writer); bounded. */
  sweep: number;
  stoppedWorkflows: string[];
  revocations: CredentialRevocationOutcome[];
  /** Absent in deletions begun before Jira was a step of its own. */
  jira?: JiraDisconnectionReport | null;
}

export type TenantDeletionPhase = 'pending' | 'cancelled' | 'deleting' | 'deleted';

export interface TenantDeletionState {
  tenantId: string;
  phase: TenantDeletionPhase;
  requestedBy: string;
  requestedAt: string;
  scheduledAt: string;
  /** Until the grace period ends, as of `asOf` (workflow time of the last event); 0 once it has ended. */
  remainingMs: number;
  asOf: string;
  cancelledBy: string | null;
  cancelledAt: string | null;
  /** The table being deleted, while deleting. */
  currentTable: string | null;
  completedAt: string | null;
}

export interface CancelTenantDeletionRequest {
  tenantId: string;
  /** The audit actor cancelling. */
  cancelledBy: string;
  /** The caller's role in that tenant; only admins may cancel. */
  role: string;
}

/** Evidence of a finished deletion, kept in the tombstone and emailed to the requester. */
export interface DeletionCertificate {
  tenantId: string;
  tenantSlug: string;
  requestedBy: string;
  requesterEmail: string;
  requestedAt: string;
  scheduledAt: string;
  deletionStartedAt: string;
  completedAt: string;
  /** Rows deleted per table, counted in the same transaction as each deleted batch. */
  deletedRows: Record<string, number>;
  totalRows: number;
  /** Wrapped data keys destroyed: whatever they encrypted is unreadable everywhere, backups included. */
  dataKeysDestroyed: number;
  stoppedWorkflows: string[];
  tokenRevocations: CredentialRevocationOutcome[];
  /** Jira's disconnection step by step, with where the admin revokes the grant at Atlassian; null: never connected. */
  jira?: JiraDisconnectionReport | null;
  workflowId: string;
}

export type TenantDeletionResult =
  | { outcome: 'cancelled'; cancelledBy: string; cancelledAt: string }
  | { outcome: 'deleted'; certificate: DeletionCertificate };

export const tenantDeletionStateQuery = defineQuery<TenantDeletionState>('tenantDeletionState');
/** Cancels a pending deletion; returns once the tenant is active again. */
export const cancelTenantDeletionUpdate = defineUpdate<TenantDeletionState, [CancelTenantDeletionRequest]>('cancelTenantDeletion');

export type TenantDeletionNoticeKind = 'requested' | 'cancelled';

export interface TenantDeletionNoticeRequest {
  tenantId: string;
  kind: TenantDeletionNoticeKind;
  requesterEmail: string;
  requestedBy: string;
  requestedAt: string;
  scheduledAt: string;
  cancelledBy?: string;
}

/** What the activities the deletion workflow calls must provide. */
export interface TenantDeletionActivities {
  /** To the requester and the tenant's notice contacts, once per kind and request; audited. */
  sendTenantDeletionNotice(request: TenantDeletionNoticeRequest): Promise<void>;
  /** Back to active, audited. */
  restoreTenant(request: { tenantId: string; cancelledBy: string; requestedAt: string }): Promise<void>;
  /** Opens the tombstone; refused by the database unless the grace period is over. */
  beginTenantDeletion(request: { tenantId: string; workflowId: string }): Promise<void>;
  /** Terminates the tenant's other running workflows (by the TenantId search attribute); each audited. */
  stopTenantWorkflows(request: { tenantId: string; exceptWorkflowId: string }): Promise<string[]>;
  /**
   * Deletes the tenant's Jira sync Schedules, stops its sync workflow, deregisters Custodian's webhooks at Jira and
   * destroys the Jira credential and data keys; each step audited. Null when the tenant never connected Jira.
   */
  disconnectTenantJira(request: { tenantId: string }): Promise<JiraDisconnectionReport | null>;
  /** Best effort at each provider; each outcome audited. */
  revokeTenantCredentials(request: { tenantId: string }): Promise<CredentialRevocationOutcome[]>;
  /** The tenant tables from the catalogue in foreign-key order; `tables` narrows it to a sweep. */
  planTenantDeletion(request: { tenantId: string; tables?: string[] }): Promise<DeletionStep[]>;
  /** One batch of one table; 0 when the table holds no more of the tenant's rows. */
  deleteTenantRowsBatch(request: { tenantId: string; table: string }): Promise<{ deleted: number }>;
  /** Seals the tombstone with the certificate, or names the tables that still hold rows. */
  completeTenantDeletion(request: {
    tenantId: string;
    requesterEmail: string;
    workflowId: string;
    stoppedWorkflows: string[];
    revocations: CredentialRevocationOutcome[];
    jira?: JiraDisconnectionReport | null;
  }): Promise<{ certificate: DeletionCertificate | null; remainingTables: string[] }>;
  /** A platform notice (the tenant is gone) to the requester. */
  sendDeletionCertificate(request: { certificate: DeletionCertificate }): Promise<void>;
}
