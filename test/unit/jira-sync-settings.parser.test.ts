import { parseJiraSyncSettings } from '../../apps/api/src/jira-sync-configs/jira-sync-settings.parser';
import { custodianValueOf, jiraNameOf, JIRA_SYNC_FIELDS, type JiraSyncDirection } from '../../libs/contracts';

const allFields = (direction: JiraSyncDirection) => Object.fromEntries(JIRA_SYNC_FIELDS.map((field) => [field, { direction }]));

/** Everything both ways: every map complete. */
const complete = () => ({
  projectKeys: ['OPS', 'HR_2'],
  fields: allFields('both'),
  statusMap: {
    toJira: { new: 'To Do', triaged: 'To Do', in_progress: 'In Progress', resolved: 'Done', closed: 'Done', rejected: "Won't Do" },
    fromJira: { 'To Do': 'new', 'In Progress': 'in_progress', Done: 'resolved', "Won't Do": 'rejected', Closed: 'closed' },
  },
  priorityMap: { toJira: { low: 'Low', normal: 'Medium', high: 'High', urgent: 'Highest' }, fromJira: { Low: 'low', Medium: 'normal', High: 'high', Highest: 'urgent', Lowest: 'low' } },
  issueTypeMap: {
    toJira: { general: 'Task', password_reset: 'Service Request', account_unlock: 'Service Request', access_change: 'Service Request', security_report: 'Bug' },
    fromJira: { Task: 'general', 'Service Request': 'general', Bug: 'security_report' },
  },
  assigneeByEmail: true,
  createIssues: { projectKey: 'OPS', ticketTypes: ['general', 'password_reset'] },
});

function problemsOf(input: unknown): Record<string, string[]> {
  const parsed = parseJiraSyncSettings(input);
  if (parsed.ok) return {};
  return Object.fromEntries(parsed.problems.map(({ field, problems }) => [field, problems]));
}

describe('Jira sync settings: the rules of libs/contracts/jira-sync.ts', () => {
  it('accepts a complete configuration and fills in the default strategy', () => {
    const parsed = parseJiraSyncSettings(complete());
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.settings.fields.status).toEqual({ direction: 'both', strategy: 'newest-wins' });
    expect(jiraNameOf(parsed.settings.statusMap, 'triaged')).toBe('To Do');
    expect(custodianValueOf(parsed.settings.statusMap, 'done')).toBe('resolved');
  });

  it('accepts fields that are off without any map, and assignee off without email matching', () => {
    const parsed = parseJiraSyncSettings({ projectKeys: ['OPS'], fields: allFields('off') });
    expect(parsed).toEqual({
      ok: true,
      settings: expect.objectContaining({ statusMap: { toJira: {}, fromJira: {} }, assigneeByEmail: false, createIssues: null }),
    });
  });

  it.each([
    [['ops'], 'projectKeys[0]'],
    [['O'], 'projectKeys[0]'],
    [['OPERATIONS1'], 'projectKeys[0]'],
    [['1OPS'], 'projectKeys[0]'],
    [['OPS', 'OPS'], 'projectKeys[1]'],
    [[], 'projectKeys'],
    ['OPS', 'projectKeys'],
  ])('refuses project keys %j, naming %s', (projectKeys, field) => {
    expect(Object.keys(problemsOf({ ...complete(), projectKeys, createIssues: null }))).toEqual([field]);
  });

  it('names each field rule that is missing or wrong, and refuses unknown settings', () => {
    const { summary: _summary, ...withoutSummary } = allFields('both');
    const problems = problemsOf({
      ...complete(),
      fields: { ...withoutSummary, status: { direction: 'sideways' }, priority: { direction: 'both', strategy: 'oldest-wins' }, labels: { direction: 'both' } },
      colour: 'blue',
    });
    expect(Object.keys(problems).sort()).toEqual(['colour', 'fields.labels', 'fields.priority.strategy', 'fields.status.direction', 'fields.summary']);
  });

  it('needs toJira to name every Custodian value when the field flows to Jira', () => {
    const settings = complete();
    delete (settings.statusMap.toJira as Record<string, string>).rejected;
    expect(problemsOf(settings)['statusMap.toJira']).toEqual([expect.stringContaining('missing: rejected')]);
    // from-jira only: toJira may be partial.
    expect(problemsOf({ ...settings, fields: { ...settings.fields, status: { direction: 'from-jira' } } })).toEqual({});
  });

  it('needs fromJira to map back every Jira name toJira sends to when the field flows both ways', () => {
    const settings = complete();
    delete (settings.priorityMap.fromJira as Record<string, string>).Highest;
    expect(problemsOf(settings)['priorityMap.fromJira']).toEqual([expect.stringContaining('"Highest"')]);
    expect(problemsOf({ ...settings, fields: { ...settings.fields, priority: { direction: 'to-jira' } } })).toEqual({});
  });

  it('needs at least one fromJira entry when the field flows from Jira', () => {
    const settings = { ...complete(), fields: { ...allFields('both'), issuetype: { direction: 'from-jira' } }, issueTypeMap: { toJira: complete().issueTypeMap.toJira }, createIssues: null };
    expect(Object.keys(problemsOf(settings))).toEqual(['issueTypeMap.fromJira']);
  });

  it('keeps fromJira a function: two keys naming one Jira status in different case are refused', () => {
    const settings = complete();
    (settings.statusMap.fromJira as Record<string, string>).done = 'closed';
    expect(problemsOf(settings)).toEqual({ 'statusMap.fromJira.done': [expect.stringContaining('"Done"')] });
  });

  it('refuses values outside the vocabularies and empty Jira names, naming the entry', () => {
    const settings = complete();
    (settings.statusMap.toJira as Record<string, string>).pending = 'Waiting';
    (settings.statusMap.fromJira as Record<string, string>).Waiting = 'pending';
    (settings.priorityMap.toJira as Record<string, string>).low = '   ';
    expect(Object.keys(problemsOf(settings)).sort()).toEqual(['priorityMap.toJira.low', 'statusMap.fromJira.Waiting', 'statusMap.toJira.pending']);
  });

  it('requires email matching for assignee to sync', () => {
    expect(Object.keys(problemsOf({ ...complete(), assigneeByEmail: false }))).toEqual(['assigneeByEmail']);
    expect(problemsOf({ ...complete(), assigneeByEmail: false, fields: { ...allFields('both'), assignee: { direction: 'off' } } })).toEqual({});
  });

  it('creates issues only in one of its own projects, for ticket types whose issue type it knows', () => {
    expect(Object.keys(problemsOf({ ...complete(), createIssues: { projectKey: 'FIN', ticketTypes: ['general'] } }))).toEqual(['createIssues.projectKey']);
    expect(Object.keys(problemsOf({ ...complete(), createIssues: { projectKey: 'OPS', ticketTypes: [] } }))).toEqual(['createIssues.ticketTypes']);
    expect(Object.keys(problemsOf({ ...complete(), createIssues: { projectKey: 'OPS', ticketTypes: ['general', 'general'] } }))).toEqual(['createIssues.ticketTypes']);
    const issueTypeOff = { ...complete(), fields: { ...allFields('both'), issuetype: { direction: 'off' } }, issueTypeMap: { toJira: { general: 'Task' } } };
    expect(problemsOf(issueTypeOff)).toEqual({ 'issueTypeMap.toJira': [expect.stringContaining('password_reset')] });
  });

  it.each([null, [], 'text', 42])('refuses a body that is not an object (%j)', (body) => {
    expect(Object.keys(problemsOf(body))).toEqual(['body']);
  });
});
