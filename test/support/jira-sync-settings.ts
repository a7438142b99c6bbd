import { DEMO_JIRA_SYNC_SETTINGS } from '../../scripts/demo-jira-sync-config';

/** A field's sync as POST /v1/jira/sync-configs takes it. */
export interface JiraFieldSyncSetting {
  direction: 'both' | 'to-jira' | 'from-jira' | 'off';
  strategy?: 'newest-wins' | 'jira-wins' | 'custodian-wins';
}

type JiraSyncField = 'summary' | 'description' | 'status' | 'priority' | 'issuetype' | 'assignee' | 'comments' | 'attachments';
type ValueMap = { toJira: Record<string, string>; fromJira: Record<string, string> };

/** Custodian's statuses and the simulator's (To Do, In Progress, Done), both ways: the demo tenant's. */
export const SIMULATOR_STATUS_MAP: ValueMap = DEMO_JIRA_SYNC_SETTINGS.statusMap;

/** Custodian's priorities and Jira's five standard ones, both ways: the demo tenant's. */
export const SIMULATOR_PRIORITY_MAP: ValueMap = DEMO_JIRA_SYNC_SETTINGS.priorityMap;

/**
 * A sync configuration of the simulator's project DEMO in its own vocabulary: every field both ways, issue types
 * taken from Jira only as `general`, no assignee mapping. A test names what it does differently.
 */
export function jiraSyncSettings(changes: {
  projectKeys?: string[];
  fields?: Partial<Record<JiraSyncField, JiraFieldSyncSetting>>;
  statusMap?: ValueMap;
  priorityMap?: ValueMap;
  issueTypeMap?: ValueMap;
  assigneeByEmail?: boolean;
  createIssues?: { projectKey: string; ticketTypes: string[] } | null;
} = {}) {
  const both: JiraFieldSyncSetting = { direction: 'both' };
  const { fields, ...rest } = changes;
  return {
    projectKeys: ['DEMO'],
    fields: { summary: both, description: both, status: both, priority: both, issuetype: both, assignee: both, comments: both, attachments: both, ...fields },
    statusMap: SIMULATOR_STATUS_MAP,
    priorityMap: SIMULATOR_PRIORITY_MAP,
    issueTypeMap: { toJira: {}, fromJira: { Task: 'general', Bug: 'general', Story: 'general' } },
    assigneeByEmail: false,
    ...rest,
  };
}
