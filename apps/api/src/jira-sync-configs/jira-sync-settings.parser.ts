import {
  DEFAULT_JIRA_CONFLICT_STRATEGY,
  flowsFromJira,
  flowsToJira,
  JIRA_CONFLICT_STRATEGIES,
  JIRA_NAME_MAX_LENGTH,
  JIRA_PROJECT_KEY_PATTERN,
  JIRA_SYNC_DIRECTIONS,
  JIRA_SYNC_FIELDS,
  JIRA_SYNC_MAX_PROJECTS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type JiraConflictStrategy,
  type JiraFieldSyncRule,
  type JiraIssueCreation,
  type JiraSyncDirection,
  type JiraSyncField,
  type JiraSyncSettings,
  type JiraValueMap,
  type TicketType,
} from '../../../../libs/contracts';

/** One problem per field, in the shape of the API's validation details. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

export type ParsedJiraSyncSettings = { ok: true; settings: JiraSyncSettings } | { ok: false; problems: FieldProblem[] };

type Json = Record<string, unknown>;

/**
 * A request body checked against the rules of libs/contracts/jira-sync.ts, with defaults filled in. Every
 * problem is reported (not just the first), each naming its field as a path: fields.status.direction,
 * statusMap.toJira, createIssues.projectKey.
 */
export function parseJiraSyncSettings(input: unknown): ParsedJiraSyncSettings {
  const problems = new Problems();
  if (!isObject(input)) {
    problems.add('body', 'must be a JSON object');
    return { ok: false, problems: problems.list() };
  }
  refuseUnknownKeys(problems, '', input, ['projectKeys', 'fields', 'statusMap', 'priorityMap', 'issueTypeMap', 'assigneeByEmail', 'createIssues']);
  const projectKeys = parseProjectKeys(problems, input.projectKeys);
  const fields = parseFields(problems, input.fields);
  const statusMap = parseValueMap(problems, 'statusMap', input.statusMap, TICKET_STATUSES, 'Custodian status', fields?.status.direction);
  const priorityMap = parseValueMap(problems, 'priorityMap', input.priorityMap, TICKET_PRIORITIES, 'Custodian priority', fields?.priority.direction);
  const issueTypeMap = parseValueMap(problems, 'issueTypeMap', input.issueTypeMap, TICKET_TYPES, 'ticket type', fields?.issuetype.direction);
  const assigneeByEmail = parseAssigneeByEmail(problems, input.assigneeByEmail, fields?.assignee.direction);
  const createIssues = parseCreateIssues(problems, input.createIssues, projectKeys, issueTypeMap);
  if (problems.any() || !projectKeys || !fields || !statusMap || !priorityMap || !issueTypeMap || createIssues === undefined) {
    return { ok: false, problems: problems.list() };
  }
  return { ok: true, settings: { projectKeys, fields, statusMap, priorityMap, issueTypeMap, assigneeByEmail, createIssues } };
}

class Problems {
  private readonly byField = new Map<string, string[]>();

  add(field: string, problem: string): void {
    const list = this.byField.get(field) ?? [];
    list.push(problem);
    this.byField.set(field, list);
  }

  any(): boolean {
    return this.byField.size > 0;
  }

  list(): FieldProblem[] {
    return [...this.byField].map(([field, problems]) => ({ field, problems }));
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const pathOf = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

function refuseUnknownKeys(problems: Problems, parent: string, value: Json, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) problems.add(pathOf(parent, key), `is not a setting here; the settings are ${known.join(', ')}`);
  }
}

function parseProjectKeys(problems: Problems, value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > JIRA_SYNC_MAX_PROJECTS) {
    problems.add('projectKeys', `must be a list of 1 to ${JIRA_SYNC_MAX_PROJECTS} Jira project keys`);
    return undefined;
  }
  const keys: string[] = [];
  value.forEach((key, index) => {
    if (typeof key !== 'string' || !JIRA_PROJECT_KEY_PATTERN.test(key)) {
      problems.add(`projectKeys[${index}]`, 'must be a Jira project key: an upper-case letter, then 1 to 9 upper-case letters, digits or _ (e.g. OPS)');
    } else if (keys.includes(key)) {
      problems.add(`projectKeys[${index}]`, `repeats ${key}`);
    } else {
      keys.push(key);
    }
  });
  return keys.length === value.length ? keys : undefined;
}

function parseFields(problems: Problems, value: unknown): Record<JiraSyncField, JiraFieldSyncRule> | undefined {
  if (!isObject(value)) {
    problems.add('fields', `must be an object with a rule for each of ${JIRA_SYNC_FIELDS.join(', ')}`);
    return undefined;
  }
  refuseUnknownKeys(problems, 'fields', value, JIRA_SYNC_FIELDS);
  const rules: Partial<Record<JiraSyncField, JiraFieldSyncRule>> = {};
  for (const field of JIRA_SYNC_FIELDS) {
    const rule = value[field];
    const path = `fields.${field}`;
    if (!isObject(rule)) {
      problems.add(path, 'is required: { "direction": "both" | "to-jira" | "from-jira" | "off", "strategy"?: ... }');
      continue;
    }
    refuseUnknownKeys(problems, path, rule, ['direction', 'strategy']);
    const direction = rule.direction;
    const strategy = rule.strategy ?? DEFAULT_JIRA_CONFLICT_STRATEGY;
    let valid = true;
    if (!(JIRA_SYNC_DIRECTIONS as readonly unknown[]).includes(direction)) {
      problems.add(`${path}.direction`, `must be one of ${JIRA_SYNC_DIRECTIONS.join(', ')}`);
      valid = false;
    }
    if (!(JIRA_CONFLICT_STRATEGIES as readonly unknown[]).includes(strategy)) {
      problems.add(`${path}.strategy`, `must be one of ${JIRA_CONFLICT_STRATEGIES.join(', ')}`);
      valid = false;
    }
    if (valid) rules[field] = { direction: direction as JiraSyncDirection, strategy: strategy as JiraConflictStrategy };
  }
  return JIRA_SYNC_FIELDS.every((field) => rules[field]) ? (rules as Record<JiraSyncField, JiraFieldSyncRule>) : undefined;
}

/** Both halves of a value map, checked against the field's direction (see libs/contracts/jira-sync.ts). */
function parseValueMap<C extends string>(
  problems: Problems,
  name: string,
  value: unknown,
  vocabulary: readonly C[],
  what: string,
  direction: JiraSyncDirection | undefined,
): JiraValueMap<C> | undefined {
  if (value !== undefined && !isObject(value)) {
    problems.add(name, 'must be an object { "toJira": {...}, "fromJira": {...} }');
    return undefined;
  }
  const input = value ?? {};
  refuseUnknownKeys(problems, name, input, ['toJira', 'fromJira']);
  const toJira = parseToJira(problems, `${name}.toJira`, input.toJira, vocabulary, what);
  const fromJira = parseFromJira(problems, `${name}.fromJira`, input.fromJira, vocabulary, what);
  if (!toJira || !fromJira) return undefined;
  if (direction && flowsToJira(direction)) {
    const missing = vocabulary.filter((custodianValue) => toJira[custodianValue] === undefined);
    if (missing.length > 0) problems.add(`${name}.toJira`, `must give the Jira name of every ${what}, as this field syncs to Jira; missing: ${missing.join(', ')}`);
  }
  if (direction && flowsFromJira(direction) && Object.keys(fromJira).length === 0) {
    problems.add(`${name}.fromJira`, `must map at least one Jira name to a ${what}, as this field syncs from Jira`);
  }
  if (direction === 'both') {
    const known = new Set(Object.keys(fromJira).map((jiraName) => jiraName.toLowerCase()));
    const unmapped = [...new Set(Object.values(toJira) as string[])].filter((jiraName) => !known.has(jiraName.toLowerCase()));
    if (unmapped.length > 0) {
      problems.add(`${name}.fromJira`, `must map back every Jira name toJira sends to, as this field syncs both ways; missing: ${unmapped.map((n) => `"${n}"`).join(', ')}`);
    }
  }
  return { toJira, fromJira };
}

function parseToJira<C extends string>(problems: Problems, path: string, value: unknown, vocabulary: readonly C[], what: string): Partial<Record<C, string>> | undefined {
  if (value === undefined) return {};
  if (!isObject(value)) {
    problems.add(path, `must be an object from ${what} to Jira name`);
    return undefined;
  }
  const map: Partial<Record<C, string>> = {};
  let valid = true;
  for (const [custodianValue, jiraName] of Object.entries(value)) {
    if (!(vocabulary as readonly string[]).includes(custodianValue)) {
      problems.add(`${path}.${custodianValue}`, `is not a ${what}; they are ${vocabulary.join(', ')}`);
      valid = false;
      continue;
    }
    const name = jiraNameOf(problems, `${path}.${custodianValue}`, jiraName);
    if (name === undefined) valid = false;
    else map[custodianValue as C] = name;
  }
  return valid ? map : undefined;
}

function parseFromJira<C extends string>(problems: Problems, path: string, value: unknown, vocabulary: readonly C[], what: string): Record<string, C> | undefined {
  if (value === undefined) return {};
  if (!isObject(value)) {
    problems.add(path, `must be an object from Jira name to ${what}`);
    return undefined;
  }
  const map: Record<string, C> = {};
  const seen = new Map<string, string>();
  let valid = true;
  for (const [rawName, custodianValue] of Object.entries(value)) {
    const field = `${path}.${rawName}`;
    const name = jiraNameOf(problems, field, rawName);
    if (name === undefined) {
      valid = false;
      continue;
    }
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) {
      problems.add(field, `names the same Jira name as "${earlier}" (Jira ignores case), so the map would not be a function`);
      valid = false;
      continue;
    }
    seen.set(name.toLowerCase(), name);
    if (typeof custodianValue !== 'string' || !(vocabulary as readonly string[]).includes(custodianValue)) {
      problems.add(field, `must be a ${what}: one of ${vocabulary.join(', ')}`);
      valid = false;
      continue;
    }
    map[name] = custodianValue as C;
  }
  return valid ? map : undefined;
}

/** A Jira status, priority or issue type name: 1 to 255 characters once trimmed. */
function jiraNameOf(problems: Problems, field: string, value: unknown): string | undefined {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0 || name.length > JIRA_NAME_MAX_LENGTH) {
    problems.add(field, `must be a Jira name of 1 to ${JIRA_NAME_MAX_LENGTH} characters`);
    return undefined;
  }
  return name;
}

function parseAssigneeByEmail(problems: Problems, value: unknown, assigneeDirection: JiraSyncDirection | undefined): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    problems.add('assigneeByEmail', 'must be true or false');
    return false;
  }
  const byEmail = value ?? false;
  if (!byEmail && assigneeDirection && assigneeDirection !== 'off') {
    problems.add('assigneeByEmail', 'must be true for assignee to sync: people are matched between Custodian and Jira by email');
  }
  return byEmail;
}

/** null when new tickets get no issue; undefined when invalid. */
function parseCreateIssues(
  problems: Problems,
  value: unknown,
  projectKeys: string[] | undefined,
  issueTypeMap: JiraValueMap<TicketType> | undefined,
): JiraIssueCreation | null | undefined {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) {
    problems.add('createIssues', 'must be null or { "projectKey": "OPS", "ticketTypes": ["general"] }');
    return undefined;
  }
  refuseUnknownKeys(problems, 'createIssues', value, ['projectKey', 'ticketTypes']);
  let valid = true;
  const { projectKey, ticketTypes } = value;
  if (typeof projectKey !== 'string' || !projectKeys?.includes(projectKey)) {
    problems.add('createIssues.projectKey', 'must be one of this configuration\'s projectKeys');
    valid = false;
  }
  if (
    !Array.isArray(ticketTypes) ||
    ticketTypes.length === 0 ||
    ticketTypes.some((type) => !(TICKET_TYPES as readonly unknown[]).includes(type)) ||
    new Set(ticketTypes).size !== ticketTypes.length
  ) {
    problems.add('createIssues.ticketTypes', `must list distinct ticket types, at least one, of ${TICKET_TYPES.join(', ')}`);
    return undefined;
  }
  const withoutIssueType = (ticketTypes as TicketType[]).filter((type) => issueTypeMap && issueTypeMap.toJira[type] === undefined);
  if (withoutIssueType.length > 0) {
    problems.add('issueTypeMap.toJira', `must name the Jira issue type for ${withoutIssueType.join(', ')}, which createIssues creates issues for`);
    valid = false;
  }
  return valid ? { projectKey: projectKey as string, ticketTypes: ticketTypes as TicketType[] } : undefined;
}
