/**
 * The demo tenant's Jira sync configuration on the built-in simulator: project DEMO, all eight fields both ways
 * (newest wins), and maps in the simulator's own vocabulary (its statuses To Do / In Progress / Done, the five
 * standard priorities, issue types Task / Bug / Story). Issues stay issues: no ticket creates a Jira issue.
 */
export const DEMO_JIRA_SYNC_SETTINGS = {
  projectKeys: ['DEMO'],
  fields: {
    summary: { direction: 'both' },
    description: { direction: 'both' },
    status: { direction: 'both' },
    priority: { direction: 'both' },
    issuetype: { direction: 'both' },
    assignee: { direction: 'both' },
    comments: { direction: 'both' },
    attachments: { direction: 'both' },
  },
  statusMap: {
    toJira: { new: 'To Do', triaged: 'To Do', in_progress: 'In Progress', resolved: 'Done', closed: 'Done', rejected: 'Done' },
    fromJira: { 'To Do': 'new', 'In Progress': 'in_progress', Done: 'resolved' },
  },
  priorityMap: {
    toJira: { low: 'Low', normal: 'Medium', high: 'High', urgent: 'Highest' },
    fromJira: { Lowest: 'low', Low: 'low', Medium: 'normal', High: 'high', Highest: 'urgent' },
  },
  issueTypeMap: {
    toJira: { general: 'Task', password_reset: 'Task', account_unlock: 'Task', access_change: 'Task', security_report: 'Bug' },
    fromJira: { Task: 'general', Bug: 'general', Story: 'general' },
  },
  assigneeByEmail: true,
  createIssues: null,
};

/**
 * Creates the demo tenant's sync configuration through the API unless it has one (an admin may have changed
 * it: theirs stays). Creating it starts the sync: webhooks, Schedules and the backfill of DEMO's issues.
 */
export async function ensureDemoJiraSyncConfig(apiUrl: string, adminApiKey: string): Promise<'created' | 'kept'> {
  const headers = { authorization: `Bearer ${adminApiKey}`, 'content-type': 'application/json' };
  const listed = await fetch(`${apiUrl}/v1/jira/sync-configs`, { headers });
  if (!listed.ok) throw new Error(`could not read the demo tenant's Jira sync configurations (${listed.status})`);
  if (((await listed.json()) as unknown[]).length > 0) return 'kept';
  const created = await fetch(`${apiUrl}/v1/jira/sync-configs`, { method: 'POST', headers, body: JSON.stringify(DEMO_JIRA_SYNC_SETTINGS) });
  if (!created.ok) throw new Error(`could not configure the demo tenant's Jira sync (${created.status}: ${await created.text()})`);
  return 'created';
}
