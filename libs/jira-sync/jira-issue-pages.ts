import type { Version3Models } from 'jira.js';
import { appendAuditEvents } from '../audit/audit-batch-writer';
import type { JiraSiteConnections } from '../connectors/jira/jira-site-connections';
import type { JiraResponse, JiraSearchPage } from '../connectors/jira/jira-site.connector';
import { formatTicketRef, JIRA_SYNC_FIELD_OF_TICKET_FIELD, jiraSyncWorkflowId, TICKET_EDITABLE_FIELDS, type JiraAppliedIssuesPages, type JiraSyncSettings } from '../contracts';
import type { TenantScopedDatabase, TenantTransaction } from '../db';
import type { JiraIssueFieldsRead } from './jira-field-values';
import { newTicketOfIssue } from './jira-new-ticket';
import { SearchPageReadAhead } from './search-page-read-ahead';
import { JIRA_SYNC_ACTOR, TICKET_ISSUE_PROPERTY } from './jira-pair-sync';
import type { JiraRawResponses } from './jira-raw-responses';
import type { JiraSyncStateStore } from './jira-sync-state-store';

/** Jira's largest page of a search that asks for fields. */
const SEARCH_PAGE_SIZE = 100;
/** Pages one activity call applies before it hands back to the workflow (which may continue as new). */
const PAGES_PER_CALL = 10;
/** Pages requested ahead of the one being applied: enough to keep requests leaving at Jira's rate limit. */
const READ_AHEAD_PAGES = 3;
/** Issues needing a pair sync each that one call hands back at most (past it, the workflow syncs them first). */
const FOLLOW_UPS_PER_CALL = 200;
/** What a new ticket is made of, plus what says whether its issue needs a pair sync after (comments, files). */
const PAGE_FIELDS = ['summary', 'description', 'status', 'priority', 'issuetype', 'assignee', 'updated', 'project', 'reporter', 'comment', 'attachment'];

type PageIssue = Version3Models.Issue & {
  fields: JiraIssueFieldsRead & { updated?: string; project?: { key?: string }; reporter?: { emailAddress?: string } | null; comment?: { comments?: unknown[]; total?: number }; attachment?: unknown[] };
};

interface NewTicket {
  issue: PageIssue;
  projectKey: string;
  settings: JiraSyncSettings;
  /** Comments or attachments to copy: its pair sync follows, so its `updated` is not marked applied yet. */
  followUp: boolean;
}

/**
 * Reconciliation and the first backfill, a search page at a time: the page carries every field a new ticket
 * needs, so an issue new to Custodian becomes a ticket with no request of its own, and a whole page of them in
 * one transaction (consecutive refs from one counter update, tickets, links and one audit event per issue, the
 * sync state's last success). Only issues that need the two-sided pair sync are handed back: linked issues
 * changed since last applied, new ones with comments or attachments to copy, and issues Custodian created whose
 * link a crash lost. Applying a page again changes nothing, so a retried call simply searches again.
 */
export class JiraIssuePages {
  constructor(
    private readonly options: {
      db: TenantScopedDatabase;
      connections: JiraSiteConnections;
      states: JiraSyncStateStore;
      raw: JiraRawResponses;
    },
  ) {}

  /**
   * Applies pages from `pageToken` on (or from a retried call's `resume`), the next pages fetched while one is
   * applied (SearchPageReadAhead); `committed` hears the progress after each page. A failed search after some
   * pages were applied ends the call with what was done (the next call meets the failure and the activity's
   * retry policy waits).
   */
  async apply(tenantId: string, jql: string, pageToken: string | null, resume: JiraAppliedIssuesPages | undefined, committed: (progress: JiraAppliedIssuesPages) => void): Promise<JiraAppliedIssuesPages> {
    const connected = await this.options.connections.siteFor(tenantId);
    const state = await this.options.states.ensure(tenantId);
    const configs = await this.configs(tenantId);
    let progress: JiraAppliedIssuesPages = resume ?? { issueKeys: [], nextPageToken: pageToken, created: 0 };
    const pages = new SearchPageReadAhead<JiraSearchPage>(
      (token) => connected.site.searchIssues({ jql, nextPageToken: token, maxResults: SEARCH_PAGE_SIZE, fields: PAGE_FIELDS, properties: [TICKET_ISSUE_PROPERTY] }),
      progress.nextPageToken,
      { depth: READ_AHEAD_PAGES, maxPages: PAGES_PER_CALL },
    );
    for (let applied = 0; ; applied += 1) {
      let page: JiraResponse<JiraSearchPage> | undefined;
      try {
        page = await pages.next();
      } catch (error) {
        pages.stop();
        if (applied === 0) throw error;
        return progress;
      }
      if (!page) return progress;
      const next = page.data.nextPageToken ?? null;
      // Jira's answer is kept (the page as sent, encrypted) alongside the page's transaction, not before it.
      const [, done] = await Promise.all([
        this.options.raw.keepSearchPage(tenantId, state.id, page),
        this.applyPage(tenantId, page.data.issues as PageIssue[], page.requestId, configs),
      ]);
      progress = { issueKeys: [...new Set([...progress.issueKeys, ...done.issueKeys])], nextPageToken: next, created: progress.created + done.created };
      committed(progress);
      // Past this many, the workflow syncs the issues handed back before it asks for more pages.
      if (progress.issueKeys.length >= FOLLOW_UPS_PER_CALL) {
        pages.stop();
        return progress;
      }
    }
  }

  private async applyPage(tenantId: string, issues: PageIssue[], requestId: string | null, configs: { projectKeys: string[]; settings: JiraSyncSettings }[]): Promise<{ issueKeys: string[]; created: number }> {
    if (issues.length === 0) return { issueKeys: [], created: 0 };
    return this.options.db.withTenant(tenantId, async (tx) => {
      // The ticket counter's row lock first: a pair sync creating a ticket for one of these issues now waits, and
      // the links read below include any it committed before.
      const [tenant] = await tx.$queryRaw<{ last_ticket_number: number }[]>`SELECT last_ticket_number FROM tenants WHERE id = ${tenantId}::uuid FOR UPDATE`;
      const links = await tx.$queryRaw<{ issue_id: string; issue_updated: Date | null }[]>`
        SELECT issue_id, issue_updated FROM jira_issue_links WHERE issue_id = ANY(${issues.map((issue) => issue.id!)}::text[])`;
      const appliedAt = new Map(links.map((link) => [link.issue_id, link.issue_updated]));
      const issueKeys: string[] = [];
      const fresh: NewTicket[] = [];
      for (const issue of issues) {
        const updated = issue.fields.updated ? new Date(issue.fields.updated) : null;
        if (appliedAt.has(issue.id!)) {
          const at = appliedAt.get(issue.id!);
          if (!at || !updated || updated > at) issueKeys.push(issue.key!);
          continue;
        }
        const projectKey = issue.fields.project?.key ?? issue.key!.split('-')[0];
        const config = configs.find((candidate) => candidate.projectKeys.includes(projectKey));
        if (!config) continue;
        // An issue Custodian created for a ticket: the pair sync links it to that ticket.
        if ((issue.properties as Record<string, unknown> | undefined)?.[TICKET_ISSUE_PROPERTY]) {
          issueKeys.push(issue.key!);
          continue;
        }
        const followUp = Math.max(issue.fields.comment?.comments?.length ?? 0, issue.fields.comment?.total ?? 0) > 0 || (issue.fields.attachment?.length ?? 0) > 0;
        fresh.push({ issue, projectKey, settings: config.settings, followUp });
        if (followUp) issueKeys.push(issue.key!);
      }
      if (fresh.length > 0) await this.createTickets(tx, tenantId, tenant.last_ticket_number, fresh, requestId);
      await tx.$executeRaw`UPDATE jira_sync_states SET last_success_at = now(), updated_at = now()`;
      return { issueKeys, created: fresh.length };
    });
  }

  private async createTickets(tx: TenantTransaction, tenantId: string, lastNumber: number, fresh: NewTicket[], requestId: string | null): Promise<void> {
    await tx.$executeRaw`UPDATE tenants SET last_ticket_number = ${lastNumber + fresh.length} WHERE id = ${tenantId}::uuid`;
    const rows = fresh.map((entry, index) => ({ ...entry, ref: formatTicketRef(lastNumber + 1 + index), ...newTicketOfIssue(entry.issue.key!, entry.issue.fields, entry.settings) }));
    const workflowId = jiraSyncWorkflowId(tenantId);
    const tickets = await tx.$queryRaw<{ id: string; ref: string }[]>`
      INSERT INTO tickets (tenant_id, ref, type, status, summary, description, priority, requester, assignee, workflow_id)
      SELECT ${tenantId}::uuid, t.ref, t.type, t.status, t.summary, t.description, t.priority, t.requester, t.assignee, ${workflowId}
      FROM unnest(${rows.map((row) => row.ref)}::text[], ${rows.map((row) => row.fields.type)}::text[], ${rows.map((row) => row.fields.status)}::text[],
                  ${rows.map((row) => row.fields.summary)}::text[], ${rows.map((row) => row.fields.description)}::text[], ${rows.map((row) => row.fields.priority)}::text[],
                  ${rows.map((row) => row.issue.fields.reporter?.emailAddress ?? `jira:${row.issue.key}`)}::text[], ${rows.map((row) => row.fields.assignee)}::text[])
           AS t (ref, type, status, summary, description, priority, requester, assignee)
      RETURNING id::text AS id, ref`;
    const ticketIdOf = new Map(tickets.map((ticket) => [ticket.ref, ticket.id]));
    await tx.$executeRaw`
      INSERT INTO jira_issue_links (tenant_id, ticket_id, issue_id, issue_key, project_key, synced, issue_updated)
      SELECT ${tenantId}::uuid, l.ticket_id, l.issue_id, l.issue_key, l.project_key, l.synced::jsonb, l.issue_updated
      FROM unnest(${rows.map((row) => ticketIdOf.get(row.ref)!)}::uuid[], ${rows.map((row) => row.issue.id!)}::text[], ${rows.map((row) => row.issue.key!)}::text[],
                  ${rows.map((row) => row.projectKey)}::text[], ${rows.map((row) => JSON.stringify(row.synced))}::text[],
                  ${rows.map((row) => (row.followUp || !row.issue.fields.updated ? null : row.issue.fields.updated))}::timestamptz[])
           AS l (ticket_id, issue_id, issue_key, project_key, synced, issue_updated)`;
    await appendAuditEvents(
      tx,
      tenantId,
      rows.map((row) => ({
        actor: JIRA_SYNC_ACTOR,
        action: 'jira.sync.ticket_created',
        target: row.ref,
        outcome: 'success' as const,
        details: { issueKey: row.issue.key, ticketRef: row.ref, direction: 'from-jira', fields: TICKET_EDITABLE_FIELDS.map((field) => JIRA_SYNC_FIELD_OF_TICKET_FIELD[field]), jiraRequestIds: requestId ? [requestId] : [] },
      })),
    );
  }

  private async configs(tenantId: string): Promise<{ projectKeys: string[]; settings: JiraSyncSettings }[]> {
    const rows = await this.options.db.withTenant(tenantId, (tx) => tx.jiraSyncConfig.findMany({ orderBy: { createdAt: 'asc' } }));
    return rows.map((row) => ({ projectKeys: row.projectKeys, settings: row.settings as unknown as JiraSyncSettings }));
  }
}
