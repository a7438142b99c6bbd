import type { Version3Models } from 'jira.js';
import { withoutAttribution } from '../connectors/jira/adf';
import { JiraConnectorError } from '../connectors/jira/jira-errors';
import type { ConnectedJiraSite } from '../connectors/jira/jira-site-connections';
import type { JiraDocument, JiraIssueFields } from '../connectors/jira/jira-site.connector';
import { JIRA_SYNC_LABEL, type JiraIssueCleanupResult } from '../contracts';
import type { TenantScopedDatabase } from '../db';
import { TICKET_ISSUE_PROPERTY } from '../jira-sync/jira-pair-sync';

/** The issue properties Custodian sets (the sync's create request carries them). */
const CUSTODIAN_ISSUE_PROPERTIES = [TICKET_ISSUE_PROPERTY];
const COMMENT_PAGE = 100;
const SEARCH_PAGE = 100;

/**
 * Takes Custodian's markers off a tenant's Jira issues: the sync label, the issue properties Custodian set for this
 * tenant, and the attribution paragraph ending the description and each comment the app wrote (everything else
 * in them is sent back exactly as Jira returned it). An issue is written only where a marker is present, so
 * cleaning it again (a retried attempt after a crash) writes nothing.
 */
export class JiraIssueCleanup {
  constructor(private readonly db: TenantScopedDatabase) {}

  /** Linked issues first, then any issue carrying the label or this tenant's property that no link names. */
  async issuesToClean(tenantId: string, connected: ConnectedJiraSite): Promise<string[]> {
    const linked = await this.db.withTenant(tenantId, (tx) => tx.$queryRaw<{ issue_key: string }[]>`SELECT issue_key FROM jira_issue_links ORDER BY issue_key`);
    const keys = new Set(linked.map((row) => row.issue_key));
    const jql = `labels = "${JIRA_SYNC_LABEL}" OR issue.property[${TICKET_ISSUE_PROPERTY}].tenantId = "${tenantId}" ORDER BY key ASC`;
    let pageToken: string | null = null;
    do {
      const { data } = await connected.site.searchIssues({ jql, nextPageToken: pageToken, maxResults: SEARCH_PAGE, fields: ['labels'] });
      for (const issue of data.issues) if (issue.key) keys.add(issue.key);
      pageToken = data.nextPageToken;
    } while (pageToken);
    return [...keys];
  }

  /** Retryable Jira failures (429, 5xx) are thrown for the activity to retry; an issue gone from Jira is skipped. */
  async clean(tenantId: string, connected: ConnectedJiraSite, issueKey: string): Promise<JiraIssueCleanupResult> {
    const result: JiraIssueCleanupResult = { issueKey, outcome: 'unchanged', labelsRemoved: 0, propertiesRemoved: 0, commentsEdited: 0, descriptionEdited: false };
    try {
      const { data: issue } = await connected.site.getIssue(issueKey, { fields: ['labels', 'description'], properties: CUSTODIAN_ISSUE_PROPERTIES });
      const fields = issue.fields as { labels?: string[]; description?: JiraDocument | null };
      const edit: JiraIssueFields = {};
      const labels = fields.labels ?? [];
      if (labels.includes(JIRA_SYNC_LABEL)) {
        edit.labels = labels.filter((label) => label !== JIRA_SYNC_LABEL);
        result.labelsRemoved = labels.length - edit.labels.length;
      }
      const description = withoutAttribution(fields.description ?? null);
      if (description.ticketRef !== null) {
        edit.description = description.doc;
        result.descriptionEdited = true;
      }
      if (Object.keys(edit).length > 0) await connected.site.editIssue(issueKey, edit);

      for (const comment of await this.appComments(connected, issueKey)) {
        const stripped = withoutAttribution(comment.body);
        if (stripped.ticketRef === null) continue;
        await connected.site.updateComment(issueKey, comment.id!, stripped.doc as JiraDocument);
        result.commentsEdited += 1;
      }

      const properties = (issue.properties ?? {}) as Record<string, unknown>;
      for (const key of CUSTODIAN_ISSUE_PROPERTIES) {
        if (!(key in properties) || !setForTenant(properties[key], tenantId)) continue;
        try {
          await connected.site.deleteIssueProperty(issueKey, key);
          result.propertiesRemoved += 1;
        } catch (error) {
          // Already gone (an earlier attempt deleted it before the crash): nothing left to remove.
          if (!(error instanceof JiraConnectorError && error.type === 'JiraNotFound')) throw error;
        }
      }
    } catch (error) {
      if (!(error instanceof JiraConnectorError) || error.retryable) throw error;
      if (error.type === 'JiraNotFound') return { ...result, outcome: 'skipped_deleted' };
      if (error.type === 'JiraReconsentRequired' || error.type === 'JiraScopesRefused') throw error;
      return { ...result, outcome: 'failed', reason: `${error.type}: ${error.message}` };
    }
    const edited = result.labelsRemoved + result.propertiesRemoved + result.commentsEdited > 0 || result.descriptionEdited;
    return { ...result, outcome: edited ? 'cleaned' : 'unchanged' };
  }

  /** Comments written by the app's account: the only ones Custodian adds an attribution line to. */
  private async appComments(connected: ConnectedJiraSite, issueKey: string): Promise<Version3Models.Comment[]> {
    const own: Version3Models.Comment[] = [];
    for (let startAt = 0; ; startAt += COMMENT_PAGE) {
      const { data } = await connected.site.getComments(issueKey, { startAt, maxResults: COMMENT_PAGE });
      const page = data.comments ?? [];
      own.push(...page.filter((comment) => comment.author?.accountId === connected.accountId && comment.id));
      if (page.length < COMMENT_PAGE || startAt + page.length >= (data.total ?? 0)) return own;
    }
  }
}

/** Custodian's property names its tenant; another tenant's mark on a shared site is left alone. */
function setForTenant(value: unknown, tenantId: string): boolean {
  const owner = (value as { tenantId?: unknown } | null)?.tenantId;
  return owner === undefined || owner === tenantId;
}
