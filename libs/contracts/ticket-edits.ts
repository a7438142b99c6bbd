/** The ticket fields people (PATCH /v1/tickets/:ref) and the Jira sync may change; each change is recorded. */
export const TICKET_EDITABLE_FIELDS = ['summary', 'description', 'status', 'priority', 'type', 'assignee'] as const;
export type TicketEditableField = (typeof TICKET_EDITABLE_FIELDS)[number];

/** Which side made a change, wrote a comment or added a file. */
export const TICKET_CHANGE_SOURCES = ['custodian', 'jira'] as const;
export type TicketChangeSource = (typeof TICKET_CHANGE_SOURCES)[number];

/**
 * One field's change as the database recorded it (ticket_field_changes, written by a trigger on every ticket
 * update): the ticket's version after it, who and which side, when. The latest per field is the per-field
 * last-changed time the sync's conflict resolution compares.
 */
export interface TicketFieldChange {
  field: TicketEditableField;
  version: number;
  source: TicketChangeSource;
  actor: string;
  changedAt: string;
}

export interface TicketCommentView {
  id: string;
  /** The display name: an API key's name, a workflow, or the Jira user. */
  author: string;
  authorEmail: string | null;
  body: string;
  source: TicketChangeSource;
  /** Jira's comment id once linked. */
  externalId: string | null;
  createdAt: string;
  /** When its text was last changed (here or, for a comment from Jira, in Jira); null if never. */
  editedAt: string | null;
}

export interface TicketAttachmentView {
  id: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  /** SHA-256 of the file's bytes (hex). */
  sha256: string;
  source: TicketChangeSource;
  /** Jira's attachment id once linked. */
  externalId: string | null;
  uploadedBy: string;
  createdAt: string;
}
