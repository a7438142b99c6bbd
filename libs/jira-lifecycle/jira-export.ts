import type { ExportedEvent } from '../audit';
import type { TenantTransaction } from '../db';

/** The Jira part of a tenant export. Never tokens, the webhook secret (or its hash), or raw Jira responses. */
export interface JiraExport {
  site: { cloudId: string | null; url: string | null; name: string | null; accountId: string | null; availableSites: unknown; connectedBy: string; createdAt: Date; updatedAt: Date } | null;
  syncConfigs: { id: string; projectKeys: string[]; settings: unknown; version: number; createdBy: string; updatedBy: string; createdAt: Date; updatedAt: Date }[];
  syncState: { watermark: Date | null; lastSuccessAt: Date | null; lastError: string | null; lastErrorAt: Date | null; webhooksRegistered: number; webhooksExpireAt: Date | null } | null;
  /** Each ticket and the Jira issue it is linked to. */
  links: { ticketRef: string; issueKey: string; issueId: string; projectKey: string; issueUpdated: Date | null; linkedAt: Date }[];
  /** The sync's history as the audit trail recorded it (the same events are in `audit`, with their hashes). */
  syncHistory: Pick<ExportedEvent, 'seq' | 'at' | 'actor' | 'action' | 'target' | 'outcome' | 'details'>[];
}

/** Read in the export's tenant transaction; `events` is the audit trail being exported. */
export async function jiraExportOf(tx: TenantTransaction, events: ExportedEvent[]): Promise<JiraExport> {
  const site = await tx.jiraSite.findFirst({
    select: { cloudId: true, siteUrl: true, siteName: true, accountId: true, availableSites: true, connectedBy: true, createdAt: true, updatedAt: true },
  });
  const [state] = await tx.$queryRaw<{ watermark: Date | null; last_success_at: Date | null; last_error: string | null; last_error_at: Date | null; webhooks: number; webhook_expires_at: Date | null }[]>`
    SELECT watermark, last_success_at, last_error, last_error_at, cardinality(webhook_ids) AS webhooks, webhook_expires_at FROM jira_sync_states`;
  const links = await tx.$queryRaw<{ ref: string; issue_key: string; issue_id: string; project_key: string; issue_updated: Date | null; created_at: Date }[]>`
    SELECT t.ref, l.issue_key, l.issue_id, l.project_key, l.issue_updated, l.created_at
    FROM jira_issue_links l JOIN tickets t ON t.id = l.ticket_id ORDER BY t.ref`;
  return {
    site: site ? { cloudId: site.cloudId, url: site.siteUrl, name: site.siteName, accountId: site.accountId, availableSites: site.availableSites, connectedBy: site.connectedBy, createdAt: site.createdAt, updatedAt: site.updatedAt } : null,
    syncConfigs: await tx.jiraSyncConfig.findMany({
      orderBy: { createdAt: 'asc' },
      select: { id: true, projectKeys: true, settings: true, version: true, createdBy: true, updatedBy: true, createdAt: true, updatedAt: true },
    }),
    syncState: state
      ? { watermark: state.watermark, lastSuccessAt: state.last_success_at, lastError: state.last_error, lastErrorAt: state.last_error_at, webhooksRegistered: Number(state.webhooks), webhooksExpireAt: state.webhook_expires_at }
      : null,
    links: links.map((link) => ({ ticketRef: link.ref, issueKey: link.issue_key, issueId: link.issue_id, projectKey: link.project_key, issueUpdated: link.issue_updated, linkedAt: link.created_at })),
    syncHistory: events.filter(isJiraEvent).map(({ seq, at, actor, action, target, outcome, details }) => ({ seq, at, actor, action, target, outcome, details })),
  };
}

function isJiraEvent(event: ExportedEvent): boolean {
  return event.action.startsWith('jira.') || event.action.startsWith('integration.jira.') || (event.action.startsWith('integration.') && event.details.provider === 'jira');
}
