/** An Atlassian account as the simulator keeps it (the consenting admin, colleagues, the app's own account). */
export interface SimulatedJiraUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
  active: boolean;
}

export interface SimulatedProject {
  id: string;
  key: string;
  name: string;
}

/** An Atlassian Document Format document (descriptions and comment bodies). */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: unknown[];
}

export interface SimulatedComment {
  id: string;
  authorId: string;
  updateAuthorId: string;
  body: AdfDocument;
  created: number;
  updated: number;
}

export interface SimulatedAttachment {
  id: string;
  filename: string;
  mimeType: string;
  content: Buffer;
  authorId: string;
  created: number;
}

export interface ChangelogItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface ChangelogEntry {
  id: string;
  authorId: string;
  created: number;
  items: ChangelogItem[];
}

/** One issue: the fields Custodian syncs, plus comments, attachments, history and properties. */
export interface SimulatedIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  description: AdfDocument | null;
  statusId: string;
  priorityId: string;
  issueTypeId: string;
  assigneeId: string | null;
  reporterId: string;
  labels: string[];
  created: number;
  updated: number;
  comments: SimulatedComment[];
  attachments: SimulatedAttachment[];
  changelog: ChangelogEntry[];
  properties: Map<string, unknown>;
}
