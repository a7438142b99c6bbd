import { ISSUE_TYPES, PRIORITIES, STATUSES } from './jira-catalog';
import type { SimulatedIssue, SimulatedJiraUser } from './simulated-jira-records';

/** Jira answers an unparseable or unsupported query with 400 and this message in errorMessages. */
export class JqlError extends Error {}

export interface ParsedJql {
  matches(issue: SimulatedIssue): boolean;
  compare(a: SimulatedIssue, b: SimulatedIssue): number;
}

type Clause = (issue: SimulatedIssue) => boolean;

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|>=|<=|!=|!~|[=<>~(),]|[^\s=<>!~(),"']+)/y;

/**
 * The JQL subset a sync needs, evaluated like Jira: clauses on project, key, id, updated, created, status,
 * priority, issuetype, assignee, labels and issue.property[key].path, joined by AND / OR, with ORDER BY.
 * Dates are minute-precise ("yyyy-MM-dd HH:mm" or "yyyy/MM/dd HH:mm", read as UTC, the app user's time zone
 * here) or epoch milliseconds, as in Jira. Anything else is refused with Jira's 400 message.
 */
export function parseJql(jql: string, users: (accountId: string) => SimulatedJiraUser | undefined): ParsedJql {
  const tokens = tokenize(jql);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  const keyword = (word: string) => peek()?.toLowerCase() === word;

  function value(): string {
    const token = next();
    if (token === undefined) throw new JqlError(`Error in the JQL Query: Expecting a value but reached the end of the query.`);
    return unquote(token);
  }

  function values(): string[] {
    if (next() !== '(') throw new JqlError(`Error in the JQL Query: Expecting '(' after 'in'.`);
    const list: string[] = [];
    while (peek() !== ')') {
      list.push(value());
      if (peek() === ',') next();
      else if (peek() !== ')') throw new JqlError(`Error in the JQL Query: Expecting ',' or ')' but got '${peek() ?? 'the end'}'.`);
    }
    next();
    return list;
  }

  function clause(): Clause {
    if (peek() === '(') {
      next();
      const inner = orGroup();
      if (next() !== ')') throw new JqlError(`Error in the JQL Query: Expecting ')'.`);
      return inner;
    }
    const field = next();
    if (field === undefined) throw new JqlError('Error in the JQL Query: Expecting a field name.');
    let operator = next()?.toLowerCase();
    if (operator === 'not' && keyword('in')) operator = `not ${next()!.toLowerCase()}`;
    if (operator === 'is' && keyword('not')) operator = `is ${next()!.toLowerCase()}`;
    if (operator === undefined) throw new JqlError(`Error in the JQL Query: Expecting an operator after '${field}'.`);
    const read = accessor(field, users);
    if (operator === 'in' || operator === 'not in') {
      const wanted = values().map((entry) => entry.toLowerCase());
      const negate = operator === 'not in';
      return (issue) => read.values(issue).some((actual) => wanted.includes(actual.toLowerCase())) !== negate;
    }
    if (operator === 'is' || operator === 'is not') {
      const target = value().toLowerCase();
      if (target !== 'empty' && target !== 'null') throw new JqlError(`Error in the JQL Query: 'is' takes EMPTY or NULL.`);
      const negate = operator === 'is not';
      return (issue) => (read.values(issue).length === 0) !== negate;
    }
    const operand = value();
    switch (operator) {
      case '=':
        return (issue) => read.values(issue).some((actual) => read.equals(actual, operand));
      case '!=':
        return (issue) => !read.values(issue).some((actual) => read.equals(actual, operand));
      case '~':
        return (issue) => read.values(issue).some((actual) => actual.toLowerCase().includes(operand.toLowerCase()));
      case '>':
      case '>=':
      case '<':
      case '<=': {
        if (!read.time) throw new JqlError(`The operator '${operator}' is not supported by the '${field}' field.`);
        const bound = jqlTime(operand);
        const time = read.time;
        return (issue) => compareBy(operator, time(issue), bound);
      }
      default:
        throw new JqlError(`Error in the JQL Query: The character '${operator}' is a reserved JQL character.`);
    }
  }

  function andGroup(): Clause {
    const clauses = [clause()];
    while (keyword('and')) {
      next();
      clauses.push(clause());
    }
    return (issue) => clauses.every((test) => test(issue));
  }

  function orGroup(): Clause {
    const groups = [andGroup()];
    while (keyword('or')) {
      next();
      groups.push(andGroup());
    }
    return (issue) => groups.some((test) => test(issue));
  }

  const matches: Clause = tokens.length === 0 || keyword('order') ? () => true : orGroup();
  const order: { key: (issue: SimulatedIssue) => number | string; direction: 1 | -1 }[] = [];
  if (keyword('order')) {
    next();
    if (next()?.toLowerCase() !== 'by') throw new JqlError("Error in the JQL Query: Expecting 'by' after 'order'.");
    do {
      if (peek() === ',') next();
      const field = next()?.toLowerCase();
      const key = sortKey(field);
      const direction = keyword('desc') ? -1 : 1;
      if (keyword('asc') || keyword('desc')) next();
      order.push({ key, direction });
    } while (peek() === ',');
  }
  if (position < tokens.length) throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got '${peek()}'.`);
  if (order.length === 0) order.push({ key: sortKey('key'), direction: -1 });
  return {
    matches,
    compare: (a, b) => {
      for (const { key, direction } of order) {
        const left = key(a);
        const right = key(b);
        if (left < right) return -direction;
        if (left > right) return direction;
      }
      return 0;
    },
  };
}

function tokenize(jql: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  const text = jql.trim();
  while (TOKEN.lastIndex < text.length) {
    const match = TOKEN.exec(text);
    if (!match) throw new JqlError(`Error in the JQL Query: cannot read the query near '${text.slice(TOKEN.lastIndex, TOKEN.lastIndex + 20)}'.`);
    tokens.push(match[1]);
  }
  return tokens;
}

function unquote(token: string): string {
  if ((token.startsWith('"') && token.endsWith('"')) || (token.startsWith("'") && token.endsWith("'"))) return token.slice(1, -1).replace(/\\(.)/g, '$1');
  return token;
}

interface FieldAccessor {
  values(issue: SimulatedIssue): string[];
  equals(actual: string, operand: string): boolean;
  time?: (issue: SimulatedIssue) => number;
}

const caseless = (actual: string, operand: string) => actual.toLowerCase() === operand.toLowerCase();

function accessor(field: string, users: (accountId: string) => SimulatedJiraUser | undefined): FieldAccessor {
  const property = /^issue\.property\[([^\]]+)\]\.(.+)$/i.exec(field);
  if (property) {
    const [, key, path] = property;
    return {
      values: (issue) => {
        let value: unknown = issue.properties.get(unquote(key));
        for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
        return value === undefined || value === null ? [] : [String(value)];
      },
      equals: caseless,
    };
  }
  switch (field.toLowerCase()) {
    case 'project':
      return { values: (issue) => [issue.projectKey], equals: caseless };
    case 'key':
    case 'issuekey':
      return { values: (issue) => [issue.key], equals: caseless };
    case 'id':
      return { values: (issue) => [issue.id], equals: caseless };
    case 'updated':
    case 'updateddate':
      return { values: (issue) => [String(issue.updated)], equals: (actual, operand) => Number(actual) === jqlTime(operand), time: (issue) => issue.updated };
    case 'created':
    case 'createddate':
      return { values: (issue) => [String(issue.created)], equals: (actual, operand) => Number(actual) === jqlTime(operand), time: (issue) => issue.created };
    case 'status':
      return { values: (issue) => [STATUSES.find((status) => status.id === issue.statusId)!.name], equals: caseless };
    case 'priority':
      return { values: (issue) => [PRIORITIES.find((priority) => priority.id === issue.priorityId)!.name], equals: caseless };
    case 'issuetype':
    case 'type':
      return { values: (issue) => [ISSUE_TYPES.find((type) => type.id === issue.issueTypeId)!.name], equals: caseless };
    case 'labels':
      return { values: (issue) => issue.labels, equals: (actual, operand) => actual === operand };
    case 'assignee':
      return {
        values: (issue) => (issue.assigneeId ? [issue.assigneeId] : []),
        equals: (actual, operand) => actual === operand || caseless(users(actual)?.emailAddress ?? '', operand),
      };
    case 'summary':
    case 'text':
      return { values: (issue) => [issue.summary], equals: caseless };
    default:
      throw new JqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
  }
}

function sortKey(field: string | undefined): (issue: SimulatedIssue) => number | string {
  switch (field) {
    case 'updated':
      return (issue) => issue.updated;
    case 'created':
      return (issue) => issue.created;
    case 'key':
    case 'id':
      return (issue) => Number(issue.id);
    default:
      throw new JqlError(`Not able to sort using field '${field ?? ''}'.`);
  }
}

/** "2026-12-01 08:15", "2026/12/01 08:15", "2026-12-01" (UTC) or epoch milliseconds. */
function jqlTime(operand: string): number {
  if (/^\d{10,}$/.test(operand)) return Number(operand);
  const match = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+(\d{2}):(\d{2}))?$/.exec(operand.trim());
  if (!match) throw new JqlError(`Date value '${operand}' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`);
  const [, year, month, day, hour = '00', minute = '00'] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute));
}

function compareBy(operator: string, actual: number, bound: number): boolean {
  if (operator === '>') return actual > bound;
  if (operator === '>=') return actual >= bound;
  if (operator === '<') return actual < bound;
  return actual <= bound;
}
