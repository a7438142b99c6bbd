import { JiraConnectorError } from '../connectors/jira/jira-errors';
import type { ConnectedJiraSite, JiraSiteConnections } from '../connectors/jira/jira-site-connections';
import { JIRA_RECONCILE_OVERLAP_MS, type JiraChangedIssuesPage, type JiraReconcilePlan } from '../contracts';
import type { TenantScopedDatabase } from '../db';
import type { JiraRawResponses } from './jira-raw-responses';
import type { JiraSyncSignals } from './jira-sync-signals';
import type { JiraSyncStateStore } from './jira-sync-state-store';
import { jiraWebhookSecretHash, jiraWebhookToken, newJiraWebhookSecret } from './jira-webhook-secret';

const WEBHOOK_EVENTS = ['jira:issue_created', 'jira:issue_updated', 'comment_created', 'comment_updated', 'comment_deleted'];
/** Webhooks closer than this to their 30-day expiry are refreshed (or registered again) at once. */
const WEBHOOK_RENEW_MARGIN_MS = 8 * 24 * 3600 * 1000;
const SEARCH_PAGE_SIZE = 100;

/**
 * What the sync does per site rather than per issue: dynamic webhook registration (secret in the URL, JQL
 * filter on the configured projects) and refresh before the 30-day expiry, and the reconciliation searches
 * (issues updated since the watermark, in Jira's own clock, minus an overlap; tickets changed since it).
 */
export class JiraSiteSync {
  constructor(
    private readonly options: {
      db: TenantScopedDatabase;
      connections: JiraSiteConnections;
      states: JiraSyncStateStore;
      raw: JiraRawResponses;
      signals: JiraSyncSignals;
      /** Where Jira reaches the API: API_PUBLIC_URL. */
      webhookBaseUrl: string;
    },
  ) {}

  async prepare(tenantId: string): Promise<void> {
    const connected = await this.options.connections.siteFor(tenantId);
    const state = await this.options.states.ensure(tenantId);
    const live = state.webhookSecretHash && state.webhookIds.length > 0 && state.webhookExpiresAt && state.webhookExpiresAt.getTime() - Date.now() > WEBHOOK_RENEW_MARGIN_MS;
    if (!live) await this.registerWebhooks(tenantId, connected, state.webhookIds);
    await this.options.signals.ensureSchedules(tenantId);
  }

  /** Extends the webhooks' life; ones Jira no longer has are registered again. */
  async refreshWebhooks(tenantId: string): Promise<void> {
    const connected = await this.options.connections.siteFor(tenantId);
    const state = await this.options.states.ensure(tenantId);
    const listed = (await connected.site.listWebhooks({ maxResults: 100 })).data.values ?? [];
    const known = state.webhookIds.filter((id) => listed.some((webhook) => webhook.id === id));
    // A configuration that gained or lost projects needs a webhook with the new filter, and one registered
    // before an event was added to WEBHOOK_EVENTS (comment_deleted) needs registering again to hear it.
    const filter = projectClause(await this.projectKeys(tenantId));
    const current = listed.filter((webhook) => known.includes(webhook.id!)).every((webhook) => webhook.jqlFilter === filter && WEBHOOK_EVENTS.every((event) => webhook.events?.includes(event)));
    if (!state.webhookSecretHash || known.length === 0 || !current) return this.registerWebhooks(tenantId, connected, known);
    const refreshed = await connected.site.refreshWebhooks(known);
    await this.options.states.recordWebhooks(tenantId, { ids: known, expiresAt: new Date(Number(refreshed.data.expirationDate)) });
  }

  async plan(tenantId: string): Promise<JiraReconcilePlan> {
    const connected = await this.options.connections.siteFor(tenantId);
    const state = await this.options.states.ensure(tenantId);
    // Jira's clock, not ours: `updated` is Jira's time.
    const startedAt = (await connected.site.serverInfo()).data.serverTime ?? new Date().toISOString();
    const since = state.watermark ? new Date(state.watermark.getTime() - JIRA_RECONCILE_OVERLAP_MS) : new Date(0);
    const creatable = (await this.options.db.withTenant(tenantId, (tx) => tx.jiraSyncConfig.findMany())).flatMap((config) => ((config.settings as { createIssues?: { ticketTypes?: string[] } | null }).createIssues?.ticketTypes ?? []));
    const rows = await this.options.db.withTenant(tenantId, (tx) =>
      tx.$queryRaw<{ id: string }[]>`
        SELECT DISTINCT t.id::text AS id FROM tickets t
        LEFT JOIN jira_issue_links l ON l.ticket_id = t.id
        WHERE (l.id IS NULL AND t.type = ANY(${creatable}::text[]) AND t.updated_at >= ${since})
           OR (l.id IS NOT NULL AND (
                EXISTS (SELECT 1 FROM ticket_field_changes f WHERE f.ticket_id = t.id AND f.source = 'custodian' AND f.changed_at >= ${since})
             OR EXISTS (SELECT 1 FROM ticket_comments c WHERE c.ticket_id = t.id AND c.source = 'custodian' AND (c.created_at >= ${since} OR c.edited_at >= ${since} OR c.deleted_at >= ${since}))
             OR EXISTS (SELECT 1 FROM ticket_attachments a WHERE a.ticket_id = t.id AND a.source = 'custodian' AND (a.created_at >= ${since} OR a.removed_at >= ${since}))))`,
    );
    return { startedAt, ticketIds: rows.map((row) => row.id), jql: await this.changedIssuesJql(tenantId, state.watermark) };
  }

  /**
   * Issues updated since the watermark minus the overlap; a project with no linked issue yet (new in a
   * configuration, or never backfilled) is searched whole. Fixed for one pass, as its page tokens are.
   */
  private async changedIssuesJql(tenantId: string, watermark: Date | null): Promise<string | null> {
    const projects = await this.projectKeys(tenantId);
    if (projects.length === 0) return null;
    const linked = new Set((await this.options.db.withTenant(tenantId, (tx) => tx.$queryRaw<{ project_key: string }[]>`SELECT DISTINCT project_key FROM jira_issue_links`)).map((row) => row.project_key));
    const known = watermark ? projects.filter((key) => linked.has(key)) : [];
    const whole = projects.filter((key) => !known.includes(key));
    const clauses = [
      ...(known.length > 0 ? [`(${projectClause(known)} AND updated >= ${watermark!.getTime() - JIRA_RECONCILE_OVERLAP_MS})`] : []),
      ...(whole.length > 0 ? [projectClause(whole)] : []),
    ];
    return `${clauses.join(' OR ')} ORDER BY updated ASC`;
  }

  /** One page of the plan's search, leaving out issues whose `updated` was already applied. */
  async changedIssues(tenantId: string, jql: string, pageToken: string | null): Promise<JiraChangedIssuesPage> {
    const connected = await this.options.connections.siteFor(tenantId);
    const state = await this.options.states.ensure(tenantId);
    const page = await connected.site.searchIssues({ jql, nextPageToken: pageToken, maxResults: SEARCH_PAGE_SIZE, fields: ['updated'] });
    await this.options.raw.keepSearchPage(tenantId, state.id, page);
    const ids = page.data.issues.map((issue) => issue.id!);
    const applied = await this.options.db.withTenant(tenantId, (tx) => tx.$queryRaw<{ issue_id: string; issue_updated: Date | null }[]>`SELECT issue_id, issue_updated FROM jira_issue_links WHERE issue_id = ANY(${ids}::text[])`);
    const appliedAt = new Map(applied.map((row) => [row.issue_id, row.issue_updated]));
    const issueKeys = page.data.issues
      .filter((issue) => {
        const at = appliedAt.get(issue.id!);
        const updated = (issue.fields as { updated?: string } | undefined)?.updated;
        return !at || !updated || new Date(updated) > at;
      })
      .map((issue) => issue.key!);
    return { issueKeys, nextPageToken: page.data.nextPageToken };
  }

  async complete(tenantId: string, startedAt: string): Promise<void> {
    await this.options.states.advanceWatermark(tenantId, new Date(startedAt));
  }

  /**
   * Replaces this tenant's webhooks (`previous`, the ids it stored) with one for the configured projects. Only
   * those: Jira lists the webhooks of the app's account on the site, and another tenant connected to the same
   * site through the same Atlassian account has its own there. A webhook registered but never stored (a crash
   * between the two steps) is not ours to find; its deliveries carry a secret no longer stored, get 401 and
   * change nothing, and Jira drops it at its 30-day expiry.
   */
  private async registerWebhooks(tenantId: string, connected: ConnectedJiraSite, previous: number[]): Promise<void> {
    const projects = await this.projectKeys(tenantId);
    if (projects.length === 0) return;
    const base = `${this.options.webhookBaseUrl.replace(/\/$/, '')}/v1/jira/webhooks/`;
    if (previous.length > 0) await connected.site.deleteWebhooks(previous);
    const secret = newJiraWebhookSecret();
    const jqlFilter = projectClause(projects);
    const registered = await connected.site.registerWebhooks(`${base}${jiraWebhookToken(tenantId, secret)}`, [{ events: WEBHOOK_EVENTS, jqlFilter }]);
    const ids = (registered.data.webhookRegistrationResult ?? []).map((result) => result.createdWebhookId).filter((id): id is number => typeof id === 'number');
    if (ids.length === 0) {
      const errors = (registered.data.webhookRegistrationResult ?? []).flatMap((result) => result.errors ?? []);
      throw new JiraConnectorError('JiraInvalidRequest', `Jira refused the webhook registration: ${errors.join('; ') || 'no webhook created'}`, false, { requestId: registered.requestId });
    }
    await this.options.states.recordWebhooks(tenantId, { secretHash: jiraWebhookSecretHash(secret), ids, expiresAt: new Date(Date.now() + 30 * 24 * 3600 * 1000) });
  }

  private async projectKeys(tenantId: string): Promise<string[]> {
    const configs = await this.options.db.withTenant(tenantId, (tx) => tx.jiraSyncConfig.findMany({ select: { projectKeys: true } }));
    return [...new Set(configs.flatMap((config) => config.projectKeys))].sort();
  }
}

function projectClause(projectKeys: string[]): string {
  return `project in (${projectKeys.map((key) => `"${key}"`).join(', ')})`;
}
