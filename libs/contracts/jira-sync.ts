import type { TicketPriority, TicketStatus, TicketType } from './tickets';
import type { TicketEditableField } from './ticket-edits';

/**
 * A tenant's Jira sync configuration (/v1/jira/sync-configs): which Jira projects, and for each of the eight
 * synced fields which way it flows and who wins a conflict, with the value maps between Custodian's vocabulary
 * (libs/contracts/tickets.ts) and Jira's names.
 *
 * The rules the API enforces (details[].field names the offending field):
 * - projectKeys: 1 to 50 distinct keys matching JIRA_PROJECT_KEY_PATTERN; no project is in two configurations
 *   of one tenant (409).
 * - fields: all eight, each with a direction; strategy defaults to newest-wins.
 * - A value map (statusMap, priorityMap, issueTypeMap) has two halves, each a function by construction:
 *   toJira: Custodian value -> Jira name; fromJira: Jira name -> Custodian value (Jira names compared without
 *   regard to case, as Jira does, so "Done" and "done" may not both be keys).
 *   When the field flows to Jira (both, to-jira), toJira names every Custodian value of its vocabulary, so no
 *   ticket can hold a value the sync cannot send. When it flows from Jira (both, from-jira), fromJira has at
 *   least one entry, and with both, every Jira name toJira sends to is a key of fromJira, so whatever Custodian
 *   sends has a way back. The halves need not be inverses: several Custodian values may share a Jira name
 *   (new and triaged -> "To Do") and several Jira names one Custodian value ("Done", "Won't Do" -> closed);
 *   a value synced one way is not echoed back, so such a ticket keeps its own value until someone changes it.
 *   A Jira name missing from fromJira is a sync failure for that issue, reported, never guessed.
 * - assigneeByEmail must be true for assignee to flow at all (users are matched by email only).
 * - createIssues (or null): new tickets of these types get an issue in projectKey, one of projectKeys; the
 *   issue type is issueTypeMap.toJira of the ticket's type, so it must name each of them. A ticket type is
 *   created by at most one configuration of a tenant (409).
 */
export const JIRA_SYNC_FIELDS = ['summary', 'description', 'status', 'priority', 'issuetype', 'assignee', 'comments', 'attachments'] as const;
export type JiraSyncField = (typeof JIRA_SYNC_FIELDS)[number];

export const JIRA_SYNC_DIRECTIONS = ['both', 'to-jira', 'from-jira', 'off'] as const;
export type JiraSyncDirection = (typeof JIRA_SYNC_DIRECTIONS)[number];

/** Who wins when the same field changed on both sides since it was last synced. */
export const JIRA_CONFLICT_STRATEGIES = ['newest-wins', 'jira-wins', 'custodian-wins'] as const;
export type JiraConflictStrategy = (typeof JIRA_CONFLICT_STRATEGIES)[number];
export const DEFAULT_JIRA_CONFLICT_STRATEGY: JiraConflictStrategy = 'newest-wins';

/** Jira's default project key rule: an upper-case letter, then 1 to 9 upper-case letters, digits or underscores. */
export const JIRA_PROJECT_KEY_PATTERN = /^[A-Z][A-Z0-9_]{1,9}$/;
export const JIRA_SYNC_MAX_PROJECTS = 50;
export const JIRA_NAME_MAX_LENGTH = 255;

/** The Jira field each editable ticket field syncs with. */
export const JIRA_SYNC_FIELD_OF_TICKET_FIELD: Record<TicketEditableField, JiraSyncField> = {
  summary: 'summary',
  description: 'description',
  status: 'status',
  priority: 'priority',
  type: 'issuetype',
  assignee: 'assignee',
};

export interface JiraFieldSyncRule {
  direction: JiraSyncDirection;
  strategy: JiraConflictStrategy;
}

/** Custodian values <-> Jira names; see the rules above. Empty halves when the field does not need them. */
export interface JiraValueMap<C extends string> {
  toJira: Partial<Record<C, string>>;
  fromJira: Record<string, C>;
}

export interface JiraIssueCreation {
  projectKey: string;
  ticketTypes: TicketType[];
}

/** What an admin sends (PUT/POST body) and what is stored, after validation and defaults. */
export interface JiraSyncSettings {
  projectKeys: string[];
  fields: Record<JiraSyncField, JiraFieldSyncRule>;
  statusMap: JiraValueMap<TicketStatus>;
  priorityMap: JiraValueMap<TicketPriority>;
  issueTypeMap: JiraValueMap<TicketType>;
  assigneeByEmail: boolean;
  createIssues: JiraIssueCreation | null;
}

/** A stored configuration as the API returns it and the sync engine reads it. */
export interface JiraSyncConfig extends JiraSyncSettings {
  id: string;
  /** Bumped on every replace; the API's ETag and If-Match. */
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export function flowsToJira(direction: JiraSyncDirection): boolean {
  return direction === 'both' || direction === 'to-jira';
}

export function flowsFromJira(direction: JiraSyncDirection): boolean {
  return direction === 'both' || direction === 'from-jira';
}

/** The Jira name a Custodian value is sent as, or undefined when the map has none. */
export function jiraNameOf<C extends string>(map: JiraValueMap<C>, value: C): string | undefined {
  return map.toJira[value];
}

/** The Custodian value of a Jira name (compared without regard to case), or undefined when the map has none. */
export function custodianValueOf<C extends string>(map: JiraValueMap<C>, jiraName: string): C | undefined {
  const wanted = jiraName.toLowerCase();
  for (const [name, value] of Object.entries(map.fromJira) as [string, C][]) {
    if (name.toLowerCase() === wanted) return value;
  }
  return undefined;
}
