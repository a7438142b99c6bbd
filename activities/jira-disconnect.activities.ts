import { ApplicationFailure, Context } from '@temporalio/activity';
import { appendAuditEventOnce } from '../libs/audit';
import { JiraConnectorError } from '../libs/connectors/jira/jira-errors';
import type { JiraDisconnectActivities, JiraDisconnectionStep, JiraIssueCleanupResult } from '../libs/contracts';
import type { TenantScopedDatabase } from '../libs/db';
import type { JiraDisconnection } from '../libs/jira-lifecycle/jira-disconnection';
import { JiraIssueCleanup } from '../libs/jira-lifecycle/jira-issue-cleanup';
import { jiraActivityFailureOf } from './jira-activity-failure';

export interface JiraDisconnectActivityDependencies {
  db: TenantScopedDatabase;
  jiraDisconnection: JiraDisconnection;
}

/** Heartbeats while Jira answers (or makes us wait), so a killed worker's attempt moves on in seconds. */
const HEARTBEAT_EVERY_MS = 3_000;

/**
 * Disconnect & clean up's steps. Each audits what it did (counts, issue keys, step outcomes; never issue content)
 * once per attempt key, so a retried activity does not record a step twice. Jira's 429 and 5xx surface as
 * retryable failures carrying Retry-After as the next retry's delay.
 */
export function createJiraDisconnectActivities({ db, jiraDisconnection }: JiraDisconnectActivityDependencies): JiraDisconnectActivities {
  const cleanup = new JiraIssueCleanup(db);
  const audit = (tenantId: string, key: string, event: { actor: string; action: string; target: string; outcome: 'success' | 'failure'; details: Record<string, unknown> }) =>
    db.withTenant(tenantId, (tx) => appendAuditEventOnce(tx, tenantId, key, event));
  // The run's own id keeps a second disconnect (after a reconnect) from looking like a retry of the first.
  const eventKey = (suffix: string) => {
    const { workflowId, runId } = Context.current().info.workflowExecution ?? { workflowId: 'jira-disconnect', runId: 'unknown' };
    return `${workflowId}/${runId}/${suffix}`;
  };

  return {
    async runJiraDisconnectionSteps({ tenantId, actor, steps: only, done, pass }) {
      const context = Context.current();
      const before = (context.info.heartbeatDetails as JiraDisconnectionStep[] | undefined) ?? done;
      const report = await jiraMapped(() =>
        jiraDisconnection.disconnect(tenantId, { actor, attempt: context.info.attempt, done: before, only, onStep: (steps) => context.heartbeat(steps) }),
      );
      const steps = report?.steps ?? before;
      for (const step of steps.filter((taken) => only.includes(taken.step))) {
        await audit(tenantId, eventKey(`${pass ?? 'first'}/step/${step.step}`), {
          actor,
          action: 'jira.disconnect.step',
          target: step.step,
          outcome: step.outcome === 'failed' ? 'failure' : 'success',
          details: { step: step.step, outcome: step.outcome, detail: step.detail, ...(pass ? { pass } : {}) },
        });
      }
      return steps;
    },

    async forgetJiraSyncState({ tenantId, actor }) {
      await db.withTenant(tenantId, async (tx) => {
        const removed = await tx.$executeRaw`DELETE FROM jira_sync_states`;
        await appendAuditEventOnce(tx, tenantId, eventKey(`sync-state-removed/${Context.current().info.activityId}`), { actor, action: 'jira.disconnect.sync_state_removed', target: 'jira', outcome: 'success', details: { removed } });
      });
    },

    async listJiraIssuesToClean({ tenantId, actor }) {
      const keys = await jiraMapped(async () => cleanup.issuesToClean(tenantId, await jiraDisconnection.siteFor(tenantId)));
      await audit(tenantId, eventKey('issues-listed'), { actor, action: 'jira.disconnect.issues_found', target: 'jira', outcome: 'success', details: { total: keys.length, issueKeys: keys } });
      return keys;
    },

    async cleanJiraIssues({ tenantId, actor, issueKeys }) {
      const context = Context.current();
      const results = [...((context.info.heartbeatDetails as JiraIssueCleanupResult[] | undefined) ?? [])];
      const beat = setInterval(() => context.heartbeat(results), HEARTBEAT_EVERY_MS);
      try {
        const connected = await jiraMapped(() => jiraDisconnection.siteFor(tenantId));
        for (const issueKey of issueKeys) {
          if (results.some((result) => result.issueKey === issueKey)) continue;
          results.push(await jiraMapped(() => cleanup.clean(tenantId, connected, issueKey)));
          context.heartbeat(results);
        }
      } finally {
        clearInterval(beat);
      }
      const keysWhere = (outcome: JiraIssueCleanupResult['outcome']) => results.filter((result) => result.outcome === outcome).map((result) => result.issueKey);
      const failed = results.filter((result) => result.outcome === 'failed');
      await audit(tenantId, eventKey(`issues/${context.info.activityId}`), {
        actor,
        action: 'jira.disconnect.issues_cleaned',
        target: 'jira',
        outcome: failed.length > 0 ? 'failure' : 'success',
        details: {
          cleaned: keysWhere('cleaned'),
          unchanged: keysWhere('unchanged'),
          skippedDeleted: keysWhere('skipped_deleted'),
          failed: failed.map((result) => ({ issueKey: result.issueKey, reason: result.reason })),
          labelsRemoved: sum(results, 'labelsRemoved'),
          propertiesRemoved: sum(results, 'propertiesRemoved'),
          commentsEdited: sum(results, 'commentsEdited'),
          descriptionsEdited: results.filter((result) => result.descriptionEdited).length,
        },
      });
      return results;
    },

    async unlinkJiraTickets({ tenantId, actor }) {
      return db.withTenant(tenantId, async (tx) => {
        const unlinked = await tx.$queryRaw<{ issue_key: string }[]>`UPDATE jira_issue_links SET unlinked_at = now(), updated_at = now() WHERE unlinked_at IS NULL RETURNING issue_key`;
        const total = Number((await tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM jira_issue_links WHERE unlinked_at IS NOT NULL`)[0].n);
        await appendAuditEventOnce(tx, tenantId, eventKey('tickets-unlinked'), {
          actor,
          action: 'jira.disconnect.tickets_unlinked',
          target: 'tickets',
          outcome: 'success',
          details: { ticketsUnlinked: total, issueKeys: unlinked.map((row) => row.issue_key) },
        });
        return total;
      });
    },

    async recordJiraDisconnectFinished({ tenantId, actor, progress }) {
      await audit(tenantId, eventKey('finished'), {
        actor,
        action: 'jira.disconnect.finished',
        target: 'jira',
        outcome: progress.failures.length > 0 ? 'failure' : 'success',
        details: {
          total: progress.total,
          cleaned: progress.cleaned,
          skipped: progress.skipped,
          failures: progress.failures,
          ticketsUnlinked: progress.ticketsUnlinked,
          steps: progress.steps.map((step) => ({ step: step.step, outcome: step.outcome })),
          revokeAppAt: progress.revokeAppAt,
        },
      });
    },
  };
}

function sum(results: JiraIssueCleanupResult[], field: 'labelsRemoved' | 'propertiesRemoved' | 'commentsEdited'): number {
  return results.reduce((total, result) => total + result[field], 0);
}

async function jiraMapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApplicationFailure) throw error;
    if (error instanceof JiraConnectorError) throw jiraActivityFailureOf(error);
    throw error;
  }
}
