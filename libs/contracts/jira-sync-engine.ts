import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';

/**
 * The Jira sync engine's vocabulary: one long-lived workflow per tenant's Jira integration, fed by signals
 * (webhook deliveries, ticket edits, the reconciliation and webhook-refresh Schedules) and syncing one
 * ticket/issue pair at a time per pair, in order, through activities.
 */
export const JIRA_SYNC_WORKFLOW = 'jiraSyncWorkflow';
/** What the Schedules start: a short workflow that signals (or starts) the tenant's sync workflow. */
export const JIRA_SYNC_TICK_WORKFLOW = 'jiraSyncTickWorkflow';

export function jiraSyncWorkflowId(tenantId: string): string {
  return `jira-sync/${tenantId}`;
}

export function jiraReconcileScheduleId(tenantId: string): string {
  return `jira-sync/${tenantId}/reconcile`;
}

export function jiraWebhookRefreshScheduleId(tenantId: string): string {
  return `jira-sync/${tenantId}/webhook-refresh`;
}

/** How often missed webhooks are looked for, and how often the 30-day webhooks are extended. */
export const JIRA_RECONCILE_INTERVAL: Duration = '5 minutes';
export const JIRA_WEBHOOK_REFRESH_INTERVAL: Duration = '7 days';
/** JQL `updated >=` is minute-precise and /search/jql may lag writes: each search reaches back this far. */
export const JIRA_RECONCILE_OVERLAP_MS = 5 * 60_000;
/** Pairs synced at once; one pair is never synced twice at the same time. */
export const JIRA_SYNC_CONCURRENCY = 8;

/** One unit of sync work: a Jira issue (from a webhook or a search) or a Custodian ticket (from an edit). */
export type JiraSyncItem = { issueKey: string } | { ticketId: string };

export function jiraSyncItemKey(item: JiraSyncItem): string {
  return 'issueKey' in item ? `issue:${item.issueKey}` : `ticket:${item.ticketId}`;
}

export interface JiraSyncInput {
  tenantId: string;
  /** Carried over continue-as-new. */
  carried?: JiraSyncCarriedState;
}

export interface JiraSyncCarriedState {
  queue: JiraSyncItem[];
  reconcileRequested: boolean;
  refreshRequested: boolean;
  counters: JiraSyncCounters;
  lastError: string | null;
  /** A reconciliation that continued as new part-way: where its search goes on. */
  reconcile?: { startedAt: string; jql: string | null; pageToken: string | null; failuresBefore: number };
  /** Webhook deliveries were committed and not yet taken into the queue. */
  deliveriesPending?: boolean;
}

export interface JiraSyncCounters {
  synced: number;
  failures: number;
  conflicts: number;
}

/** A webhook delivery's issue: the payload itself is never trusted for values (the issue is read back). */
export const jiraIssueChangedSignal = defineSignal<[{ issueKey: string }]>('jiraIssueChanged');
export const jiraTicketChangedSignal = defineSignal<[{ ticketId: string }]>('jiraTicketChanged');
export const jiraReconcileSignal = defineSignal<[]>('jiraReconcile');
/** Webhook deliveries were committed (jira_webhook_deliveries): the workflow takes them into its queue. */
export const jiraWebhookDeliveriesSignal = defineSignal<[]>('jiraWebhookDeliveries');
export const jiraRefreshWebhooksSignal = defineSignal<[]>('jiraRefreshWebhooks');

export interface JiraSyncWorkflowStatus {
  /** Pairs waiting plus pairs being synced (webhook deliveries signalled but not yet taken count as one waiting). */
  backlog: number;
  inFlight: number;
  reconciling: boolean;
  counters: JiraSyncCounters;
  lastError: string | null;
}
export const jiraSyncStatusQuery = defineQuery<JiraSyncWorkflowStatus>('jiraSyncStatus');

export type JiraSyncTick = 'reconcile' | 'refresh-webhooks';
export interface JiraSyncTickInput {
  tenantId: string;
  tick: JiraSyncTick;
}

/** What one pair's sync did (no values: field names only). */
export interface JiraPairSyncResult {
  outcome: 'synced' | 'unchanged' | 'not-synced';
  issueKey: string | null;
  ticketRef: string | null;
  toJira: string[];
  fromJira: string[];
  conflicts: string[];
  /** An issue to sync next: a ticket edit's linked issue, or the issue just created for a ticket. */
  followUp: string | null;
}

export interface JiraChangedIssuesPage {
  issueKeys: string[];
  nextPageToken: string | null;
}

/**
 * Search pages applied in bulk: issues new to Custodian became tickets (`created`); `issueKeys` still need a
 * pair sync each (changed linked issues, new ones with comments or attachments, an issue whose link a crash lost).
 */
export interface JiraAppliedIssuesPages extends JiraChangedIssuesPage {
  created: number;
}

/** Webhook deliveries taken from the table into the workflow's queue; `more` when a full batch was taken. */
export interface JiraTakenDeliveries {
  issueKeys: string[];
  more: boolean;
}

/** A reconciliation pass: the search's start time becomes the watermark once everything found is synced. */
export interface JiraReconcilePlan {
  startedAt: string;
  /** Tickets changed (or never pushed) since the watermark, for edits whose signal was lost. */
  ticketIds: string[];
  /** The Jira search of this pass (its page tokens belong to it); null when no project is configured. */
  jql: string | null;
}

export interface JiraSyncActivities {
  /** Looks up the app account, registers the webhooks if none are live, makes sure the Schedules exist. */
  prepareJiraSync(tenantId: string): Promise<void>;
  refreshJiraWebhooks(tenantId: string): Promise<void>;
  planJiraReconcile(tenantId: string): Promise<JiraReconcilePlan>;
  findChangedJiraIssues(tenantId: string, jql: string, pageToken: string | null): Promise<JiraChangedIssuesPage>;
  /** Searches from the page token on and applies what it finds in bulk, a few pages per call. */
  applyChangedJiraIssues(tenantId: string, jql: string, pageToken: string | null): Promise<JiraAppliedIssuesPages>;
  /** Marks a batch of committed webhook deliveries taken (retry-safe) and returns their issues. */
  takeJiraWebhookDeliveries(tenantId: string): Promise<JiraTakenDeliveries>;
  completeJiraReconcile(tenantId: string, startedAt: string): Promise<void>;
  syncJiraPair(tenantId: string, item: JiraSyncItem): Promise<JiraPairSyncResult>;
  /** From the Schedules' tick workflow: signal-with-start the tenant's sync workflow. */
  signalJiraSync(input: JiraSyncTickInput): Promise<void>;
}
