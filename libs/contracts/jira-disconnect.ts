import { defineQuery } from '@temporalio/workflow';
import type { JiraDisconnectionStep, JiraDisconnectionStepName } from './jira-disconnection';

/**
 * Disconnect & clean up: a tenant admin takes the tenant off Jira and Custodian leaves no trace of itself on the
 * tenant's Jira issues (labels, issue properties, attribution lines), then stops and shreds everything, as
 * tenant deletion does. The Custodian tickets stay, marked unlinked.
 */
export const JIRA_DISCONNECT_WORKFLOW = 'jiraDisconnectWorkflow';

export function jiraDisconnectWorkflowId(tenantId: string): string {
  return `jira-disconnect/${tenantId}`;
}

/** The label Custodian's sync marks issues with; the clean-up removes it and searches by it for unlinked issues. */
export const JIRA_SYNC_LABEL = 'custodian-sync';

/** Issues cleaned per activity; the workflow continues as new after this many issues in one run. */
export const JIRA_DISCONNECT_PAGE_SIZE = 25;
export const JIRA_DISCONNECT_ISSUES_PER_RUN = 500;

export type JiraDisconnectPhase = 'stopping_sync' | 'cleaning_issues' | 'shredding' | 'unlinking_tickets' | 'done';

export interface JiraIssueCleanupFailure {
  issueKey: string;
  reason: string;
}

/** What cleaning one issue did (marker kinds and counts, never content). */
export interface JiraIssueCleanupResult {
  issueKey: string;
  outcome: 'cleaned' | 'unchanged' | 'skipped_deleted' | 'failed';
  labelsRemoved: number;
  propertiesRemoved: number;
  commentsEdited: number;
  descriptionEdited: boolean;
  /** Why it failed (failed only). */
  reason?: string;
}

export interface JiraDisconnectProgress {
  phase: JiraDisconnectPhase;
  /** Issues found to clean (links plus the label search), known once the issue list is built. */
  total: number;
  /** Issues whose markers are gone (edited now, or carrying none). */
  cleaned: number;
  /** Issues deleted in Jira meanwhile. */
  skipped: number;
  failures: JiraIssueCleanupFailure[];
  steps: JiraDisconnectionStep[];
  ticketsUnlinked: number;
  /** Where the Jira admin revokes the app at Atlassian (set when done). */
  revokeAppAt: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface JiraDisconnectInput {
  tenantId: string;
  actor: string;
  /** Issues per activity and per run before continuing as new; JIRA_DISCONNECT_PAGE_SIZE / _ISSUES_PER_RUN when absent. */
  pageSize?: number;
  issuesPerRun?: number;
  /** Carried over continue-as-new. */
  carried?: { progress: JiraDisconnectProgress; issueKeys: string[]; next: number };
}

export const jiraDisconnectProgressQuery = defineQuery<JiraDisconnectProgress>('jiraDisconnectProgress');

export interface JiraDisconnectActivities {
  /** Runs the named steps of the tenant's Jira disconnection (Schedules, sync workflow, webhooks, shredding). */
  runJiraDisconnectionSteps(request: { tenantId: string; actor: string; steps: JiraDisconnectionStepName[]; done: JiraDisconnectionStep[]; pass?: 'sweep' }): Promise<JiraDisconnectionStep[]>;
  /** Removes the sync's state row, so nothing (a ticket edit, a late webhook) starts the sync again. */
  forgetJiraSyncState(request: { tenantId: string; actor: string }): Promise<void>;
  /** Every issue key Custodian touched: the link table plus a search for the sync label and Custodian's property. */
  listJiraIssuesToClean(request: { tenantId: string; actor: string }): Promise<string[]>;
  /** Strips Custodian's markers from these issues; resumes from its heartbeat after a crash. */
  cleanJiraIssues(request: { tenantId: string; actor: string; issueKeys: string[] }): Promise<JiraIssueCleanupResult[]>;
  /** Marks every linked ticket unlinked; returns how many. */
  unlinkJiraTickets(request: { tenantId: string; actor: string }): Promise<number>;
  recordJiraDisconnectFinished(request: { tenantId: string; actor: string; progress: JiraDisconnectProgress }): Promise<void>;
}
