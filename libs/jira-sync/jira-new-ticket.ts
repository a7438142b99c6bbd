import { TICKET_EDITABLE_FIELDS, type JiraSyncSettings, type TicketEditableField } from '../contracts';
import { jiraValueOf, toCustodian, valueHash, type JiraIssueFieldsRead, type TicketFieldsRead } from './jira-field-values';

export type SyncedHashes = Partial<Record<TicketEditableField, { c: string; j: string }>>;

/**
 * The ticket a Jira issue new to Custodian becomes, and the hashes it starts with: what the ticket starts with
 * counts as synced, except where Jira's value had no mapping (then Jira's next change of it is compared
 * against nothing and reported).
 */
export function newTicketOfIssue(issueKey: string, issueFields: JiraIssueFieldsRead, settings: JiraSyncSettings): { fields: TicketFieldsRead; synced: SyncedHashes } {
  const values = Object.fromEntries(TICKET_EDITABLE_FIELDS.map((field) => [field, jiraValueOf(field, issueFields)])) as TicketFieldsRead;
  const mapped = (field: 'status' | 'priority' | 'type', fallback: string) => {
    const result = toCustodian(settings, field, values[field]);
    return result.ok && result.value ? result.value : fallback;
  };
  const fields: TicketFieldsRead = {
    summary: (values.summary ?? issueKey).slice(0, 200),
    description: values.description,
    status: mapped('status', 'new'),
    priority: mapped('priority', 'normal'),
    type: mapped('type', 'general'),
    assignee: settings.assigneeByEmail ? values.assignee : null,
  };
  const synced: SyncedHashes = {};
  for (const field of TICKET_EDITABLE_FIELDS) synced[field] = { c: valueHash(fields[field]), j: valueHash(values[field]) };
  return { fields, synced };
}
