import { ApplicationFailure, Context } from '@temporalio/activity';
import { appendAuditEvent } from '../libs/audit';
import { JiraConnectorError } from '../libs/connectors/jira/jira-errors';
import type { JiraAppliedIssuesPages, JiraSyncActivities, JiraSyncItem } from '../libs/contracts';
import type { TenantScopedDatabase } from '../libs/db';
import type { JiraSyncEngine } from '../libs/jira-sync/jira-sync-engine';
import { JIRA_SYNC_ACTOR } from '../libs/jira-sync/jira-pair-sync';
import { JiraSyncRetry } from '../libs/jira-sync/jira-sync-retry';
import { jiraActivityFailureOf } from './jira-activity-failure';

export interface JiraSyncActivityDependencies {
  db: TenantScopedDatabase;
  jiraSync?: JiraSyncEngine | null;
}

/**
 * Thin: each activity calls the engine and turns its failures into activity failures (Jira's type, retryable
 * or not, Retry-After as the next delay). Every pair attempt that fails is audited and kept as the sync's last
 * error; successes are audited by the engine in the transaction that applies them.
 */
export function createJiraSyncActivities({ db, jiraSync }: JiraSyncActivityDependencies): JiraSyncActivities {
  const engine = (): JiraSyncEngine => {
    if (!jiraSync) throw ApplicationFailure.nonRetryable('no Atlassian OAuth app is configured (JIRA_CLIENT_ID); Jira sync is off', 'JiraNotConnected');
    return jiraSync;
  };
  return {
    prepareJiraSync: (tenantId) => failuresMapped(() => engine().sites.prepare(tenantId)),
    refreshJiraWebhooks: (tenantId) => failuresMapped(() => engine().sites.refreshWebhooks(tenantId)),
    planJiraReconcile: (tenantId) => failuresMapped(() => engine().sites.plan(tenantId)),
    findChangedJiraIssues: (tenantId, jql, pageToken) => failuresMapped(() => engine().sites.changedIssues(tenantId, jql, pageToken)),
    async applyChangedJiraIssues(tenantId, jql, pageToken) {
      // Progress rides on the heartbeats: a retry after a killed worker goes on after the last page applied.
      const context = Context.current();
      let progress = context.info.heartbeatDetails as JiraAppliedIssuesPages | undefined;
      const beat = setInterval(() => context.heartbeat(progress), HEARTBEAT_EVERY_MS);
      try {
        return await engine().issuePages.apply(tenantId, jql, pageToken, progress, (committed) => {
          progress = committed;
          context.heartbeat(progress);
        });
      } catch (error) {
        throw activityFailureOf(error);
      } finally {
        clearInterval(beat);
      }
    },
    takeJiraWebhookDeliveries: (tenantId) => {
      const { workflowExecution, activityId } = Context.current().info;
      return engine().deliveries.take(tenantId, `${workflowExecution?.workflowId}/${workflowExecution?.runId}/${activityId}`);
    },
    completeJiraReconcile: (tenantId, startedAt) => failuresMapped(() => engine().sites.complete(tenantId, startedAt)),
    signalJiraSync: ({ tenantId, tick }) => engine().signals.tick(tenantId, tick),

    async syncJiraPair(tenantId: string, item: JiraSyncItem) {
      const { pairs, states } = engine();
      try {
        const result = await heartbeating(() => pairs.sync(tenantId, item));
        if (result.outcome !== 'not-synced') await states.recordOutcome(tenantId, { success: true });
        return result;
      } catch (error) {
        const failure = activityFailureOf(error);
        await states.recordOutcome(tenantId, { success: false, error: `${failure.type ?? 'Error'}: ${failure.message}` }).catch(() => undefined);
        await db
          .withTenant(tenantId, (tx) =>
            appendAuditEvent(tx, tenantId, {
              actor: JIRA_SYNC_ACTOR,
              action: 'jira.sync.attempt_failed',
              target: 'issueKey' in item ? item.issueKey : item.ticketId,
              outcome: 'failure',
              details: {
                ...('issueKey' in item ? { issueKey: item.issueKey, direction: 'from-jira' } : { ticketId: item.ticketId, direction: 'to-jira' }),
                errorType: failure.type ?? 'Error',
                retryable: !failure.nonRetryable,
                jiraRequestId: error instanceof JiraConnectorError ? error.requestId : null,
              },
            }),
          )
          .catch(() => undefined);
        throw failure;
      }
    },
  };
}

/** Heartbeats while Jira answers, so a worker that died mid-call is noticed in seconds, not at the timeout. */
const HEARTBEAT_EVERY_MS = 3_000;

async function failuresMapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await heartbeating(work);
  } catch (error) {
    throw activityFailureOf(error);
  }
}

async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const beat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

function activityFailureOf(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof JiraConnectorError) return jiraActivityFailureOf(error);
  if (error instanceof JiraSyncRetry) return ApplicationFailure.retryable(error.message, error.name);
  return ApplicationFailure.retryable((error as Error)?.message ?? String(error), (error as Error)?.name ?? 'Error');
}
