import { ActivityFailure, ApplicationFailure, continueAsNew, proxyActivities, setCurrentDetails, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import {
  ATLASSIAN_APP_REVOCATION,
  JIRA_DISCONNECT_ISSUES_PER_RUN,
  JIRA_DISCONNECT_PAGE_SIZE,
  jiraDisconnectProgressQuery,
  type JiraDisconnectActivities,
  type JiraDisconnectInput,
  type JiraDisconnectProgress,
  type JiraIssueCleanupResult,
} from '../libs/contracts';

// Jira's 429 and 5xx are retried without limit, each after Jira's Retry-After (the failure's nextRetryDelay):
// a rate-limited clean-up slows down and never fails. 400/403/404 and a refused grant are not retried (the
// connector marks them non-retryable); per issue they are counted, not fatal. Heartbeats carry the issues done,
// so a killed worker's attempt resumes after the last issue it finished.
const jiraActivities = proxyActivities<JiraDisconnectActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
/** Failures listed in the memo (all of them are in the query and the result). */
const MEMO_FAILURES = 50;

const databaseActivities = proxyActivities<JiraDisconnectActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Disconnect & clean up for one tenant, in an order that lets nothing write to Jira behind it: the sync's
 * Schedules and workflow stop and Custodian's webhooks are deleted first (so the clean-up's own edits start no
 * sync), then every issue Custodian touched loses its markers, page by page (continuing as new on a large
 * site), then the credential and data keys are shredded and the tickets marked unlinked. Progress is a query,
 * the workflow's memo and its current details in the Temporal UI.
 */
export async function jiraDisconnectWorkflow(input: JiraDisconnectInput): Promise<JiraDisconnectProgress> {
  const { tenantId, actor } = input;
  const progress: JiraDisconnectProgress = input.carried?.progress ?? {
    phase: 'stopping_sync',
    total: 0,
    cleaned: 0,
    skipped: 0,
    failures: [],
    steps: [],
    ticketsUnlinked: 0,
    revokeAppAt: null,
    startedAt: new Date(Date.now()).toISOString(),
    finishedAt: null,
  };
  const pageSize = input.pageSize ?? JIRA_DISCONNECT_PAGE_SIZE;
  const issuesPerRun = input.issuesPerRun ?? JIRA_DISCONNECT_ISSUES_PER_RUN;
  let issueKeys = input.carried?.issueKeys ?? [];
  let next = input.carried?.next ?? 0;
  setHandler(jiraDisconnectProgressQuery, () => progress);
  const publish = () => {
    // The memo is the progress the server keeps without a worker (the API reads it while none is running).
    upsertMemo({ progress: { ...progress, failures: progress.failures.slice(0, MEMO_FAILURES) }, failed: progress.failures.length });
    setCurrentDetails(
      `**${progress.phase.replace(/_/g, ' ')}**: ${progress.cleaned} of ${progress.total} Jira issues cleaned, ${progress.skipped} skipped (deleted in Jira), ${progress.failures.length} failed`,
    );
  };
  publish();

  if (progress.phase === 'stopping_sync') {
    // The sync's own data key (its raw Jira responses) and its state go now: with no state, neither a ticket edit
    // nor a late webhook delivery starts the sync again while the issues are cleaned.
    progress.steps = await jiraActivities.runJiraDisconnectionSteps({
      tenantId,
      actor,
      steps: ['sync_schedules_deleted', 'sync_workflow_stopped', 'webhooks_deregistered', 'sync_data_key_shredded'],
      done: progress.steps,
    });
    await databaseActivities.forgetJiraSyncState({ tenantId, actor });
    try {
      issueKeys = await jiraActivities.listJiraIssuesToClean({ tenantId, actor });
    } catch (error) {
      progress.failures.push({ issueKey: '*', reason: `could not list the issues to clean: ${reasonOf(error)}` });
    }
    progress.total = issueKeys.length;
    progress.phase = 'cleaning_issues';
    publish();
  }

  if (progress.phase === 'cleaning_issues') {
    let thisRun = 0;
    while (next < issueKeys.length) {
      if (thisRun >= issuesPerRun || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof jiraDisconnectWorkflow>({ ...input, carried: { progress, issueKeys, next } });
      }
      const page = issueKeys.slice(next, next + pageSize);
      let results: JiraIssueCleanupResult[];
      try {
        results = await jiraActivities.cleanJiraIssues({ tenantId, actor, issueKeys: page });
      } catch (error) {
        // Only a grant Atlassian refused gets here (everything else is retried or counted per issue).
        const reason = reasonOf(error);
        results = page.map((issueKey) => ({ issueKey, outcome: 'failed', labelsRemoved: 0, propertiesRemoved: 0, commentsEdited: 0, descriptionEdited: false, reason }));
      }
      for (const result of results) {
        if (result.outcome === 'cleaned' || result.outcome === 'unchanged') progress.cleaned += 1;
        else if (result.outcome === 'skipped_deleted') progress.skipped += 1;
        else progress.failures.push({ issueKey: result.issueKey, reason: result.reason ?? 'unknown' });
      }
      next += page.length;
      thisRun += page.length;
      publish();
    }
    progress.phase = 'shredding';
    publish();
  }

  if (progress.phase === 'shredding') {
    // While the grant lived, a configuration change or a new consent could start the sync again (it would
    // register webhooks and Schedules anew): everything it may have made goes before the grant does.
    const sweep = await jiraActivities.runJiraDisconnectionSteps({
      tenantId,
      actor,
      steps: ['sync_schedules_deleted', 'sync_workflow_stopped', 'webhooks_deregistered', 'sync_data_key_shredded'],
      done: [],
      pass: 'sweep',
    });
    await databaseActivities.forgetJiraSyncState({ tenantId, actor });
    progress.steps = [...progress.steps, ...sweep.filter((step) => step.outcome !== 'nothing_to_do').map((step) => ({ ...step, detail: `again, after the sync restarted meanwhile: ${step.detail}` }))];
    progress.steps = await jiraActivities.runJiraDisconnectionSteps({ tenantId, actor, steps: ['credential_shredded'], done: progress.steps });
    progress.phase = 'unlinking_tickets';
    publish();
  }

  if (progress.phase === 'unlinking_tickets') {
    progress.ticketsUnlinked = await databaseActivities.unlinkJiraTickets({ tenantId, actor });
    progress.revokeAppAt = ATLASSIAN_APP_REVOCATION;
    progress.finishedAt = new Date(Date.now()).toISOString();
    progress.phase = 'done';
    await databaseActivities.recordJiraDisconnectFinished({ tenantId, actor, progress });
    publish();
  }
  return progress;
}

function reasonOf(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return (cause as Error)?.message ?? String(cause);
}
