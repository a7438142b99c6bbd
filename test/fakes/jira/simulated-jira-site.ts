import { byReference, ISSUE_TYPES, PRIORITIES, STATUSES } from './jira-catalog';
import { adfParagraph, adfText } from './jira-resources';
import type { SimulatedClock } from './simulated-clock';
import type { AdfDocument, ChangelogItem, SimulatedAttachment, SimulatedComment, SimulatedIssue, SimulatedJiraUser, SimulatedProject } from './simulated-jira-records';

/** Jira refused a write: the HTTP status and its error collection (errorMessages, errors per field). */
export class JiraRefusal extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
  ) {
    super(errorMessages[0] ?? Object.values(errors)[0] ?? 'refused');
  }
}

/** Something happened to an issue; dynamic webhooks listen for these. */
export interface SiteEvent {
  webhookEvent: 'jira:issue_created' | 'jira:issue_updated' | 'comment_created' | 'comment_updated' | 'comment_deleted' | 'issue_property_set' | 'issue_property_deleted';
  issueEventTypeName?: string;
  issue: SimulatedIssue;
  actorId: string;
  timestamp: number;
  changelog?: { id: string; items: ChangelogItem[] };
  comment?: SimulatedComment;
  propertyKey?: string;
}

export interface SiteSeed {
  cloudId: string;
  /** https://acme.atlassian.net */
  url: string;
  name: string;
  users: SimulatedJiraUser[];
  projects: SimulatedProject[];
}

const EDITABLE = new Set(['summary', 'description', 'priority', 'issuetype', 'assignee', 'labels']);

/**
 * One Jira Cloud site's data and the rules Jira applies to writes: required fields, catalogue references,
 * transitions for status (status is never an editable field), a changelog entry authored by whoever wrote,
 * and an `updated` time that moves forward on every write to the issue (comments and attachments included;
 * issue properties, as in Jira, do not touch it).
 */
export class SimulatedJiraSite {
  readonly cloudId: string;
  readonly url: string;
  readonly name: string;
  readonly users = new Map<string, SimulatedJiraUser>();
  readonly projects = new Map<string, SimulatedProject>();
  /** By key. */
  readonly issues = new Map<string, SimulatedIssue>();
  private readonly listeners: ((event: SiteEvent) => void)[] = [];
  private nextIssueId = 10000;
  private nextCommentId = 10000;
  private nextChangelogId = 10000;
  private nextAttachmentId = 10000;
  private readonly nextNumber = new Map<string, number>();

  /** Each issue's states as the search index got them, kept only when search lags (searchLagMs > 0). */
  private readonly searchIndex = new Map<string, { at: number; issue: SimulatedIssue }[]>();

  constructor(
    seed: SiteSeed,
    private readonly clock: SimulatedClock,
    /** How far /search/jql trails writes, as Jira's search index does; 0 means it never does. */
    private readonly searchLagMs = 0,
  ) {
    this.cloudId = seed.cloudId;
    this.url = seed.url;
    this.name = seed.name;
    for (const user of seed.users) this.users.set(user.accountId, user);
    for (const project of seed.projects) this.addProject(project);
  }

  onEvent(listener: (event: SiteEvent) => void): void {
    this.listeners.push(listener);
  }

  addProject(project: SimulatedProject): void {
    this.projects.set(project.key, project);
    this.nextNumber.set(project.key, this.nextNumber.get(project.key) ?? 1);
  }

  addUser(user: SimulatedJiraUser): void {
    this.users.set(user.accountId, user);
  }

  issue(keyOrId: string): SimulatedIssue {
    const issue = this.issues.get(keyOrId.toUpperCase()) ?? [...this.issues.values()].find((candidate) => candidate.id === keyOrId);
    if (!issue) throw new JiraRefusal(404, ['Issue does not exist or you do not have permission to see it.']);
    return issue;
  }

  /** POST /rest/api/3/issue. */
  createIssue(fields: Record<string, unknown>, actorId: string, properties: { key: string; value: unknown }[] = []): SimulatedIssue {
    const errors: Record<string, string> = {};
    const project = this.projectOf(fields.project);
    if (!project) errors.project = 'Specify a valid project ID or key';
    if (typeof fields.summary !== 'string' || fields.summary.trim() === '') errors.summary = 'You must specify a summary of the issue.';
    if (fields.issuetype === undefined) errors.issuetype = 'Specify an issue type';
    const rest = Object.fromEntries(Object.entries(fields).filter(([name]) => name !== 'project'));
    const changes = this.validate(rest, errors);
    if (Object.keys(errors).length > 0) throw new JiraRefusal(400, [], errors);
    const now = this.clock.now();
    const issue: SimulatedIssue = {
      id: String(this.nextIssueId++),
      key: `${project!.key}-${this.takeNumber(project!.key)}`,
      projectKey: project!.key,
      summary: '',
      description: null,
      statusId: STATUSES[0].id,
      priorityId: '3',
      issueTypeId: ISSUE_TYPES[0].id,
      assigneeId: null,
      reporterId: actorId,
      labels: [],
      created: now,
      updated: now,
      comments: [],
      attachments: [],
      changelog: [],
      properties: new Map(properties.map((property) => [property.key, property.value])),
    };
    for (const change of changes) change.apply(issue);
    this.issues.set(issue.key, issue);
    this.emit({ webhookEvent: 'jira:issue_created', issueEventTypeName: 'issue_created', issue, actorId, timestamp: now });
    return issue;
  }

  /** PUT /rest/api/3/issue/{key}: `fields` sets, `update` applies add / remove / set operations. */
  editIssue(keyOrId: string, fields: Record<string, unknown>, update: Record<string, unknown>, actorId: string): void {
    const issue = this.issue(keyOrId);
    const errors: Record<string, string> = {};
    const merged = { ...fields };
    for (const [name, operations] of Object.entries(update)) {
      if (!Array.isArray(operations)) {
        errors[name] = `Field '${name}' update operations must be a list.`;
        continue;
      }
      merged[name] = applyOperations(name, name in merged ? merged[name] : currentValue(issue, name), operations, errors);
    }
    const changes = this.validate(merged, errors);
    if (Object.keys(errors).length > 0) throw new JiraRefusal(400, [], errors);
    const items = changes.flatMap((change) => change.apply(issue));
    if (items.length > 0) this.recordChange(issue, actorId, items, 'issue_updated');
  }

  /** POST /rest/api/3/issue/{key}/transitions. */
  transition(keyOrId: string, transitionId: string, actorId: string): void {
    const issue = this.issue(keyOrId);
    const target = STATUSES.find((status) => status.transitionId === transitionId && status.id !== issue.statusId);
    if (!target) throw new JiraRefusal(400, [`Transition id '${transitionId}' is not valid for this issue.`]);
    const from = STATUSES.find((status) => status.id === issue.statusId)!;
    issue.statusId = target.id;
    this.recordChange(issue, actorId, [item('status', from.id, from.name, target.id, target.name)], 'issue_generic');
  }

  /** Jira's transitions from the issue's current status: every other status (the default workflow's global transitions). */
  transitionsOf(keyOrId: string) {
    const issue = this.issue(keyOrId);
    return STATUSES.filter((status) => status.id !== issue.statusId);
  }

  addComment(keyOrId: string, body: unknown, actorId: string): SimulatedComment {
    const issue = this.issue(keyOrId);
    const document = adfOf(body, 'body');
    const now = this.touch(issue);
    const comment: SimulatedComment = { id: String(this.nextCommentId++), authorId: actorId, updateAuthorId: actorId, body: document, created: now, updated: now };
    issue.comments.push(comment);
    this.emit({ webhookEvent: 'comment_created', issue, actorId, timestamp: now, comment });
    return comment;
  }

  updateComment(keyOrId: string, commentId: string, body: unknown, actorId: string): SimulatedComment {
    const issue = this.issue(keyOrId);
    const comment = issue.comments.find((candidate) => candidate.id === commentId);
    if (!comment) throw new JiraRefusal(404, ['Can not find a comment for the id: ' + commentId + '.']);
    comment.body = adfOf(body, 'body');
    comment.updateAuthorId = actorId;
    comment.updated = this.touch(issue);
    this.emit({ webhookEvent: 'comment_updated', issue, actorId, timestamp: comment.updated, comment });
    return comment;
  }

  /** Gone from the issue for good; like any write to the issue it moves `updated` (what reconciliation finds). */
  deleteComment(keyOrId: string, commentId: string, actorId: string): void {
    const issue = this.issue(keyOrId);
    const index = issue.comments.findIndex((candidate) => candidate.id === commentId);
    if (index < 0) throw new JiraRefusal(404, ['Can not find a comment for the id: ' + commentId + '.']);
    const [comment] = issue.comments.splice(index, 1);
    this.emit({ webhookEvent: 'comment_deleted', issue, actorId, timestamp: this.touch(issue), comment });
  }

  addAttachments(keyOrId: string, files: { filename: string; mimeType: string; content: Buffer }[], actorId: string): SimulatedAttachment[] {
    const issue = this.issue(keyOrId);
    const created = this.clock.now();
    const attachments = files.map((file) => ({ id: String(this.nextAttachmentId++), ...file, authorId: actorId, created }));
    issue.attachments.push(...attachments);
    this.recordChange(issue, actorId, attachments.map((attachment) => ({ field: 'Attachment', fieldtype: 'jira', fieldId: 'attachment', from: null, fromString: null, to: attachment.id, toString: attachment.filename })), 'issue_updated');
    return attachments;
  }

  /** Removed from its issue, recorded in the changelog (Attachment from the file to nothing) like Jira does. */
  deleteAttachment(id: string, actorId: string): void {
    for (const issue of this.issues.values()) {
      const index = issue.attachments.findIndex((attachment) => attachment.id === id);
      if (index < 0) continue;
      const [removed] = issue.attachments.splice(index, 1);
      this.recordChange(issue, actorId, [{ field: 'Attachment', fieldtype: 'jira', fieldId: 'attachment', from: removed.id, fromString: removed.filename, to: null, toString: null }], 'issue_updated');
      return;
    }
    throw new JiraRefusal(404, ['The attachment does not exist.']);
  }

  attachment(id: string): SimulatedAttachment | undefined {
    for (const issue of this.issues.values()) {
      const found = issue.attachments.find((attachment) => attachment.id === id);
      if (found) return found;
    }
    return undefined;
  }

  /** 201 when the property is new, 200 when it replaced a value. */
  setProperty(keyOrId: string, propertyKey: string, value: unknown, actorId: string): 200 | 201 {
    const issue = this.issue(keyOrId);
    if (propertyKey.length > 255) throw new JiraRefusal(400, ['The property key cannot be longer than 255 characters.']);
    const existed = issue.properties.has(propertyKey);
    issue.properties.set(propertyKey, value);
    this.emit({ webhookEvent: 'issue_property_set', issue, actorId, timestamp: this.clock.now(), propertyKey });
    return existed ? 200 : 201;
  }

  deleteProperty(keyOrId: string, propertyKey: string, actorId: string): void {
    const issue = this.issue(keyOrId);
    if (!issue.properties.delete(propertyKey)) throw new JiraRefusal(404, [`The property with key '${propertyKey}' does not exist.`]);
    this.emit({ webhookEvent: 'issue_property_deleted', issue, actorId, timestamp: this.clock.now(), propertyKey });
  }

  /** N issues per project with varied fields, for tests, the demo and the benchmark. */
  seedIssues(projectKey: string, count: number, reporterId: string): SimulatedIssue[] {
    const assignees = [...this.users.values()].filter((user) => user.active);
    const created: SimulatedIssue[] = [];
    for (let index = 0; index < count; index += 1) {
      const issue = this.createIssueQuietly(projectKey, reporterId, {
        summary: `${SUMMARIES[index % SUMMARIES.length]} #${index + 1}`,
        description: adfParagraph(`Seeded issue ${index + 1} of ${projectKey}.`),
        priorityId: PRIORITIES[index % PRIORITIES.length].id,
        issueTypeId: ISSUE_TYPES[index % ISSUE_TYPES.length].id,
        statusId: STATUSES[index % STATUSES.length].id,
        assigneeId: index % 4 === 3 ? null : assignees[index % assignees.length]?.accountId ?? null,
        labels: index % 5 === 0 ? ['customer'] : [],
      });
      created.push(issue);
    }
    return created;
  }

  private createIssueQuietly(projectKey: string, reporterId: string, values: Partial<SimulatedIssue>): SimulatedIssue {
    if (!this.projects.has(projectKey)) throw new Error(`no project ${projectKey}`);
    const now = this.clock.now();
    const issue: SimulatedIssue = {
      id: String(this.nextIssueId++),
      key: `${projectKey}-${this.takeNumber(projectKey)}`,
      projectKey,
      summary: '',
      description: null,
      statusId: STATUSES[0].id,
      priorityId: '3',
      issueTypeId: ISSUE_TYPES[0].id,
      assigneeId: null,
      reporterId,
      labels: [],
      created: now,
      updated: now,
      comments: [],
      attachments: [],
      changelog: [],
      properties: new Map(),
      ...values,
    };
    this.issues.set(issue.key, issue);
    this.index(issue);
    return issue;
  }

  private takeNumber(projectKey: string): number {
    const number = this.nextNumber.get(projectKey) ?? 1;
    this.nextNumber.set(projectKey, number + 1);
    return number;
  }

  private projectOf(reference: unknown): SimulatedProject | undefined {
    if (typeof reference !== 'object' || reference === null) return undefined;
    const { key, id } = reference as { key?: unknown; id?: unknown };
    if (typeof key === 'string') return this.projects.get(key.toUpperCase());
    if (id !== undefined) return [...this.projects.values()].find((project) => project.id === String(id));
    return undefined;
  }

  /** Checks every field first (Jira writes all or nothing), then returns the changes to apply. */
  private validate(fields: Record<string, unknown>, errors: Record<string, string>): { apply: (issue: SimulatedIssue) => ChangelogItem[] }[] {
    const changes: { apply: (issue: SimulatedIssue) => ChangelogItem[] }[] = [];
    for (const [name, value] of Object.entries(fields)) {
      if (!EDITABLE.has(name)) {
        errors[name] = `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`;
        continue;
      }
      try {
        changes.push(this.change(name, value));
      } catch (error) {
        if (!(error instanceof JiraRefusal)) throw error;
        errors[name] = error.message;
      }
    }
    return changes;
  }

  private change(name: string, value: unknown): { apply: (issue: SimulatedIssue) => ChangelogItem[] } {
    switch (name) {
      case 'summary': {
        if (typeof value !== 'string' || value.trim() === '') throw new JiraRefusal(400, ['You must specify a summary of the issue.']);
        if (value.length > 255) throw new JiraRefusal(400, ['Summary must be less than 255 characters.']);
        return { apply: (issue) => (issue.summary === value ? [] : [item('summary', null, issue.summary, null, (issue.summary = value))]) };
      }
      case 'description': {
        const document = value === null ? null : adfOf(value, 'description');
        return {
          apply: (issue) => {
            if (JSON.stringify(issue.description) === JSON.stringify(document)) return [];
            const before = adfText(issue.description);
            issue.description = document;
            return [item('description', null, before, null, adfText(document))];
          },
        };
      }
      case 'priority': {
        const priority = byReference(PRIORITIES, value);
        if (!priority) throw new JiraRefusal(400, ['The priority selected is invalid.']);
        return { apply: (issue) => this.catalogChange(issue, 'priority', 'priorityId', PRIORITIES, priority.id) };
      }
      case 'issuetype': {
        const type = byReference(ISSUE_TYPES, value);
        if (!type) throw new JiraRefusal(400, ['The issue type selected is invalid.']);
        return { apply: (issue) => this.catalogChange(issue, 'issuetype', 'issueTypeId', ISSUE_TYPES, type.id) };
      }
      case 'assignee': {
        const accountId = value === null ? null : (value as { accountId?: unknown } | undefined)?.accountId;
        if (accountId !== null && (typeof accountId !== 'string' || !this.users.get(accountId)?.active)) {
          throw new JiraRefusal(400, [`User '${String(accountId)}' cannot be assigned issues.`]);
        }
        return {
          apply: (issue) => {
            if (issue.assigneeId === accountId) return [];
            const before = issue.assigneeId;
            issue.assigneeId = accountId;
            return [item('assignee', before, before ? this.users.get(before)?.displayName ?? null : null, accountId, accountId ? this.users.get(accountId)!.displayName : null)];
          },
        };
      }
      case 'labels': {
        if (!Array.isArray(value) || value.some((label) => typeof label !== 'string')) throw new JiraRefusal(400, ['Labels must be a list of strings.']);
        const spaced = value.find((label: string) => /\s/.test(label));
        if (spaced !== undefined) throw new JiraRefusal(400, [`The label '${spaced}' contains spaces which is invalid.`]);
        const labels = [...new Set(value as string[])];
        return {
          apply: (issue) => {
            if (issue.labels.join(' ') === labels.join(' ')) return [];
            const before = issue.labels.join(' ');
            issue.labels = labels;
            return [item('labels', null, before || null, null, labels.join(' ') || null)];
          },
        };
      }
      default:
        throw new JiraRefusal(400, [`Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`]);
    }
  }

  private catalogChange(issue: SimulatedIssue, field: string, property: 'priorityId' | 'issueTypeId', catalog: readonly { id: string; name: string }[], id: string): ChangelogItem[] {
    const before = issue[property];
    if (before === id) return [];
    issue[property] = id;
    return [item(field, before, catalog.find((entry) => entry.id === before)?.name ?? null, id, catalog.find((entry) => entry.id === id)!.name)];
  }

  private recordChange(issue: SimulatedIssue, actorId: string, items: ChangelogItem[], issueEventTypeName: string): void {
    const created = this.touch(issue);
    const entry = { id: String(this.nextChangelogId++), authorId: actorId, created, items };
    issue.changelog.push(entry);
    this.emit({ webhookEvent: 'jira:issue_updated', issueEventTypeName, issue, actorId, timestamp: created, changelog: { id: entry.id, items } });
  }

  /** `updated` moves strictly forward, so two writes in one millisecond still order. */
  private touch(issue: SimulatedIssue): number {
    issue.updated = Math.max(this.clock.now(), issue.updated + 1);
    return issue.updated;
  }

  /**
   * The issues as /search/jql sees them: each as it was `searchLagMs` ago (issues created since are missing),
   * except those named in reconcileIssues, which Jira reads fresh (read-after-write).
   */
  searchable(reconcileIssueIds: string[] = []): SimulatedIssue[] {
    if (this.searchLagMs === 0) return [...this.issues.values()];
    const cutoff = this.clock.now() - this.searchLagMs;
    const visible: SimulatedIssue[] = [];
    for (const issue of this.issues.values()) {
      if (reconcileIssueIds.includes(issue.id)) {
        visible.push(issue);
        continue;
      }
      const indexed = this.searchIndex.get(issue.key)?.filter((entry) => entry.at <= cutoff).pop();
      if (indexed) visible.push(indexed.issue);
    }
    return visible;
  }

  private index(issue: SimulatedIssue): void {
    if (this.searchLagMs === 0) return;
    const states = this.searchIndex.get(issue.key) ?? [];
    states.push({ at: this.clock.now(), issue: structuredClone(issue) });
    this.searchIndex.set(issue.key, states.slice(-20));
  }

  private emit(event: SiteEvent): void {
    this.index(event.issue);
    for (const listener of this.listeners) listener(event);
  }
}

function item(field: string, from: string | null, fromString: string | null, to: string | null, toString: string | null): ChangelogItem {
  return { field, fieldtype: 'jira', fieldId: field, from, fromString, to, toString };
}

function adfOf(value: unknown, field: string): AdfDocument {
  const document = value as Partial<AdfDocument> | undefined;
  if (typeof document !== 'object' || document === null || document.type !== 'doc' || document.version !== 1 || !Array.isArray(document.content)) {
    throw new JiraRefusal(400, [], { [field]: 'Operation value must be an Atlassian Document (see the Atlassian Document Format).' });
  }
  return document as AdfDocument;
}

function currentValue(issue: SimulatedIssue, name: string): unknown {
  if (name === 'labels') return [...issue.labels];
  if (name === 'summary') return issue.summary;
  if (name === 'description') return issue.description;
  return undefined;
}

/** Jira's `update` verbs: set, add and remove (add / remove for list fields such as labels). */
function applyOperations(name: string, current: unknown, operations: unknown[], errors: Record<string, string>): unknown {
  let value = current;
  for (const operation of operations) {
    const [verb, operand] = Object.entries(operation as Record<string, unknown>)[0] ?? [];
    if (verb === 'set') value = operand;
    else if (verb === 'add' && Array.isArray(value)) value = [...value, operand];
    else if (verb === 'remove' && Array.isArray(value)) value = value.filter((entry) => entry !== operand);
    else errors[name] = `Field '${name}' does not support the '${String(verb)}' operation.`;
  }
  return value;
}

const SUMMARIES = [
  'VPN drops every hour',
  'Laptop will not boot after update',
  'Request access to the finance share',
  'Printer on floor 3 jams',
  'Password expired while travelling',
  'New starter needs a mailbox',
  'Phishing email reported',
  'Shared drive is full',
];
