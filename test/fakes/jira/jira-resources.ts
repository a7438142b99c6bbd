import { jiraTime } from './simulated-clock';
import { ISSUE_TYPES, PRIORITIES, STATUSES, type CatalogStatus } from './jira-catalog';
import type { AdfDocument, ChangelogEntry, SimulatedAttachment, SimulatedComment, SimulatedIssue, SimulatedJiraUser, SimulatedProject } from './simulated-jira-records';

/**
 * The JSON bodies of Jira Cloud REST v3 (as its OpenAPI document names them: IssueBean, User, Comment,
 * Changelog, Attachment, IssueTransition, StatusDetails), built from the simulator's records. `base` is the
 * site's API base the request came through, so `self` links point back at the simulator.
 */
export class JiraResources {
  constructor(
    readonly apiBase: string,
    private readonly user: (accountId: string) => SimulatedJiraUser | undefined,
    private readonly project: (key: string) => SimulatedProject | undefined,
  ) {}

  userResource(accountId: string | null): Record<string, unknown> | null {
    if (accountId === null) return null;
    const user = this.user(accountId);
    if (!user) return null;
    return {
      self: `${this.apiBase}/rest/api/3/user?accountId=${user.accountId}`,
      accountId: user.accountId,
      accountType: 'atlassian',
      emailAddress: user.emailAddress,
      avatarUrls: { '48x48': `https://avatar-management.example/${user.accountId}/48` },
      displayName: user.displayName,
      active: user.active,
      timeZone: 'Etc/UTC',
    };
  }

  statusResource(status: CatalogStatus): Record<string, unknown> {
    return {
      self: `${this.apiBase}/rest/api/3/status/${status.id}`,
      description: '',
      iconUrl: `${this.apiBase}/images/icons/statuses/generic.png`,
      name: status.name,
      id: status.id,
      statusCategory: { self: `${this.apiBase}/rest/api/3/statuscategory/${status.category.id}`, ...status.category },
    };
  }

  /** IssueBean: `fields` limits the fields returned (Jira's `fields` parameter); `properties` adds those issue properties. */
  issueResource(issue: SimulatedIssue, options: { fields?: string[]; expand?: string[]; properties?: string[] } = {}): Record<string, unknown> {
    const project = this.project(issue.projectKey)!;
    const priority = PRIORITIES.find((entry) => entry.id === issue.priorityId)!;
    const type = ISSUE_TYPES.find((entry) => entry.id === issue.issueTypeId)!;
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description,
      status: this.statusResource(STATUSES.find((status) => status.id === issue.statusId)!),
      priority: { self: `${this.apiBase}/rest/api/3/priority/${priority.id}`, iconUrl: `${this.apiBase}/images/icons/priorities/${priority.name.toLowerCase()}.svg`, name: priority.name, id: priority.id },
      issuetype: { self: `${this.apiBase}/rest/api/3/issuetype/${type.id}`, id: type.id, description: '', iconUrl: `${this.apiBase}/images/icons/issuetypes/${type.name.toLowerCase()}.svg`, name: type.name, subtask: false, hierarchyLevel: 0 },
      assignee: this.userResource(issue.assigneeId),
      reporter: this.userResource(issue.reporterId),
      creator: this.userResource(issue.reporterId),
      labels: [...issue.labels],
      created: jiraTime(issue.created),
      updated: jiraTime(issue.updated),
      project: { self: `${this.apiBase}/rest/api/3/project/${project.id}`, id: project.id, key: project.key, name: project.name, projectTypeKey: 'software', simplified: false },
      comment: { comments: issue.comments.map((comment) => this.commentResource(issue, comment)), self: `${this.apiBase}/rest/api/3/issue/${issue.id}/comment`, maxResults: issue.comments.length, total: issue.comments.length, startAt: 0 },
      attachment: issue.attachments.map((attachment) => this.attachmentResource(attachment)),
    };
    const wanted = options.fields?.filter(Boolean);
    const everything = !wanted || wanted.length === 0 || wanted.includes('*all') || wanted.includes('*navigable');
    const fields = everything ? all : Object.fromEntries(Object.entries(all).filter(([name]) => wanted.includes(name) && !wanted.includes(`-${name}`)));
    const resource: Record<string, unknown> = {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: `${this.apiBase}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields,
    };
    if (options.properties?.length) {
      resource.properties = Object.fromEntries(options.properties.filter((key) => issue.properties.has(key)).map((key) => [key, issue.properties.get(key)]));
    }
    if (options.expand?.includes('changelog')) {
      resource.changelog = { startAt: 0, maxResults: issue.changelog.length, total: issue.changelog.length, histories: issue.changelog.map((entry) => this.changelogResource(entry)) };
    }
    return resource;
  }

  commentResource(issue: SimulatedIssue, comment: SimulatedComment): Record<string, unknown> {
    return {
      self: `${this.apiBase}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
      id: comment.id,
      author: this.userResource(comment.authorId),
      body: comment.body,
      updateAuthor: this.userResource(comment.updateAuthorId),
      created: jiraTime(comment.created),
      updated: jiraTime(comment.updated),
      jsdPublic: true,
    };
  }

  changelogResource(entry: ChangelogEntry): Record<string, unknown> {
    return { id: entry.id, author: this.userResource(entry.authorId), created: jiraTime(entry.created), items: entry.items.map((item) => ({ ...item })) };
  }

  attachmentResource(attachment: SimulatedAttachment): Record<string, unknown> {
    return {
      self: `${this.apiBase}/rest/api/3/attachment/${attachment.id}`,
      id: attachment.id,
      filename: attachment.filename,
      author: this.userResource(attachment.authorId),
      created: jiraTime(attachment.created),
      size: attachment.content.length,
      mimeType: attachment.mimeType,
      content: `${this.apiBase}/rest/api/3/attachment/content/${attachment.id}`,
    };
  }

  transitionResource(status: CatalogStatus): Record<string, unknown> {
    return {
      id: status.transitionId,
      name: status.name,
      to: this.statusResource(status),
      hasScreen: false,
      isGlobal: true,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    };
  }
}

/** The text of an ADF document, as Jira's changelog records a description change. */
export function adfText(document: AdfDocument | null): string | null {
  if (!document) return null;
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const { text, content } = node as { text?: unknown; content?: unknown };
    if (typeof text === 'string') parts.push(text);
    if (Array.isArray(content)) content.forEach(walk);
  };
  walk(document);
  return parts.join(' ');
}

/** A one-paragraph ADF document. */
export function adfParagraph(text: string): AdfDocument {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}
