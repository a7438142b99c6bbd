import { createHash } from 'node:crypto';
import {
  custodianValueOf,
  jiraNameOf,
  JIRA_SYNC_FIELD_OF_TICKET_FIELD,
  type JiraSyncSettings,
  type JiraValueMap,
  type TicketEditableField,
} from '../contracts';
import { jiraDocumentToText } from './jira-document-text';

/** The ticket's summary column holds at most this many characters (Jira allows 255). */
export const TICKET_SUMMARY_MAX = 200;

/** What a field holds on each side, as text comparable across sides (names, email addresses, plain text). */
export interface FieldValues {
  custodian: string | null;
  jira: string | null;
}

/** The Jira issue fields the sync reads, as GET /issue returns them. */
export interface JiraIssueFieldsRead {
  summary?: string;
  description?: unknown;
  status?: { name?: string };
  priority?: { name?: string } | null;
  issuetype?: { name?: string };
  assignee?: { emailAddress?: string; accountId?: string } | null;
}

export type TicketFieldsRead = Record<TicketEditableField, string | null>;

export function valueHash(value: string | null): string {
  return createHash('sha256').update(value === null ? '\u0000null' : `=${value}`).digest('hex');
}

/** Jira's value of a ticket field, as text (null when Jira has none). */
export function jiraValueOf(field: TicketEditableField, fields: JiraIssueFieldsRead): string | null {
  switch (field) {
    case 'summary':
      return fields.summary ?? null;
    case 'description': {
      const text = jiraDocumentToText(fields.description ?? null);
      return text === '' ? null : text;
    }
    case 'status':
      return fields.status?.name ?? null;
    case 'priority':
      return fields.priority?.name ?? null;
    case 'type':
      return fields.issuetype?.name ?? null;
    case 'assignee':
      return fields.assignee?.emailAddress?.toLowerCase() ?? null;
  }
}

type Mapped = { ok: true; value: string | null } | { ok: false; problem: string };

function mapOf(settings: JiraSyncSettings, field: TicketEditableField): JiraValueMap<string> | undefined {
  if (field === 'status') return settings.statusMap as JiraValueMap<string>;
  if (field === 'priority') return settings.priorityMap as JiraValueMap<string>;
  if (field === 'type') return settings.issueTypeMap as JiraValueMap<string>;
  return undefined;
}

/** Jira's value in Custodian's vocabulary; a Jira name the map lacks is a problem, never a guess. */
export function toCustodian(settings: JiraSyncSettings, field: TicketEditableField, jira: string | null): Mapped {
  const map = mapOf(settings, field);
  if (field === 'summary') return jira ? { ok: true, value: jira.slice(0, TICKET_SUMMARY_MAX) } : { ok: false, problem: 'Jira has no summary' };
  if (!map) return { ok: true, value: jira };
  if (jira === null) return { ok: false, problem: `Jira has no ${JIRA_SYNC_FIELD_OF_TICKET_FIELD[field]}` };
  const value = custodianValueOf(map, jira);
  return value === undefined ? { ok: false, problem: `the ${JIRA_SYNC_FIELD_OF_TICKET_FIELD[field]} map has no Custodian value for a Jira name in use` } : { ok: true, value };
}

/** Custodian's value as Jira names it. */
export function toJira(settings: JiraSyncSettings, field: TicketEditableField, custodian: string | null): Mapped {
  const map = mapOf(settings, field);
  if (!map) return { ok: true, value: custodian };
  if (custodian === null) return { ok: true, value: null };
  const name = jiraNameOf(map, custodian);
  return name === undefined ? { ok: false, problem: `the ${JIRA_SYNC_FIELD_OF_TICKET_FIELD[field]} map has no Jira name for a Custodian value in use` } : { ok: true, value: name };
}

/** Whether the two sides already say the same (Jira names without regard to case, as Jira compares them). */
export function sidesAgree(settings: JiraSyncSettings, field: TicketEditableField, values: FieldValues): boolean {
  const inJira = toJira(settings, field, values.custodian);
  if (!inJira.ok) return false;
  if (mapOf(settings, field)) return (inJira.value ?? '').toLowerCase() === (values.jira ?? '').toLowerCase();
  if (field === 'summary') return (values.jira ?? '').slice(0, TICKET_SUMMARY_MAX) === values.custodian;
  return (inJira.value ?? null) === (values.jira ?? null);
}
