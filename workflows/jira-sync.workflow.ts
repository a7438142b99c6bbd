import { ActivityFailure, ApplicationFailure, condition, ContinueAsNew, continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  JIRA_SYNC_CONCURRENCY,
  jiraIssueChangedSignal,
  jiraReconcileSignal,
  jiraRefreshWebhooksSignal,
  jiraSyncItemKey,
  jiraSyncStatusQuery,
  jiraTicketChangedSignal,
  jiraWebhookDeliveriesSignal,
  type JiraChangedIssuesPage,
  type JiraSyncActivities,
  type JiraSyncCarriedState,
  type JiraSyncInput,
  type JiraSyncItem,
  type JiraSyncTickInput,
} from '../libs/contracts';

// Jira's 429/5xx are retried with its Retry-After (the failure's nextRetryDelay); 400/403/404 and a revoked
// grant are not (the connector marks them non-retryable). Attempts are capped so one broken issue cannot stall
// its place in the queue for ever: it is counted as a failure and the next webhook or reconciliation retries it.
// Activities heartbeat every few seconds: a killed worker's attempt is retried elsewhere after the heartbeat
// timeout; a retried attempt re-reads both sides, and issue creation finds its earlier create first.
const pairActivities = proxyActivities<JiraSyncActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});
const siteActivities = proxyActivities<JiraSyncActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
});
const tickActivities = proxyActivities<JiraSyncActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * Histories recorded before these changes replay the old way: a reconciliation that found issues page by page
 * and synced each alone, and no webhook deliveries taken from the table when a reconciliation starts.
 */
const BULK_SEARCH_PAGES_PATCH = 'jira-sync-bulk-search-pages';
const WEBHOOK_DELIVERY_TABLE_PATCH = 'jira-sync-webhook-delivery-table';

/** A revoked grant stops the sync where the Temporal UI shows it; an admin connects Jira again. */
const STOPPING_FAILURES = new Set(['JiraReconsentRequired', 'JiraScopesRefused', 'JiraNotConnected']);

/**
 * One tenant's Jira sync, for as long as the integration lives. Signals enqueue pairs (an issue from a webhook
 * or a search, a ticket from an edit); each pair is synced by one activity that reads both sides and decides
 * per field, so the order deliveries arrive in does not matter, and a pair is never synced twice at once (a
 * pair signalled while in flight runs again after). Reconciliation (a Schedule's signal, and the first run's
 * backfill) searches Jira for issues updated since the watermark and tickets changed since it, and moves the
 * watermark only after all of them synced. Continues as new when Temporal suggests it, carrying the queue.
 */
export async function jiraSyncWorkflow(input: JiraSyncInput): Promise<void> {
  const { tenantId } = input;
  const carried: JiraSyncCarriedState = input.carried ?? {
    queue: [],
    reconcileRequested: true,
    refreshRequested: false,
    counters: { synced: 0, failures: 0, conflicts: 0 },
    lastError: null,
  };
  const queue = new Map<string, JiraSyncItem>(carried.queue.map((item) => [jiraSyncItemKey(item), item]));
  const inFlight = new Set<string>();
  const again = new Set<string>();
  const counters = { ...carried.counters };
  let lastError = carried.lastError;
  let reconcileRequested = carried.reconcileRequested;
  let refreshRequested = carried.refreshRequested;
  let deliveriesPending = carried.deliveriesPending ?? false;
  let takingDeliveries = false;
  let reconciling = false;
  let stopping: ApplicationFailure | undefined;

  const enqueue = (item: JiraSyncItem) => {
    const key = jiraSyncItemKey(item);
    if (inFlight.has(key)) again.add(key);
    else queue.set(key, item);
  };
  setHandler(jiraIssueChangedSignal, ({ issueKey }) => enqueue({ issueKey }));
  setHandler(jiraTicketChangedSignal, ({ ticketId }) => enqueue({ ticketId }));
  setHandler(jiraReconcileSignal, () => void (reconcileRequested = true));
  setHandler(jiraRefreshWebhooksSignal, () => void (refreshRequested = true));
  setHandler(jiraWebhookDeliveriesSignal, () => void (deliveriesPending = true));
  // Webhook deliveries signalled and not yet in the queue count as one more item waiting.
  setHandler(jiraSyncStatusQuery, () => ({ backlog: queue.size + inFlight.size + (deliveriesPending || takingDeliveries ? 1 : 0), inFlight: inFlight.size, reconciling, counters: { ...counters }, lastError }));

  const failed = (error: unknown): void => {
    const cause = error instanceof ActivityFailure ? error.cause : error;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    lastError = `${type ?? 'Error'}: ${(cause as Error)?.message ?? String(cause)}`;
    if (type && STOPPING_FAILURES.has(type)) stopping = ApplicationFailure.nonRetryable(`Jira sync stopped: ${(cause as Error).message}`, type);
  };

  const syncPair = async (key: string, item: JiraSyncItem): Promise<void> => {
    inFlight.add(key);
    try {
      const result = await pairActivities.syncJiraPair(tenantId, item);
      if (result.outcome === 'synced') counters.synced += 1;
      counters.conflicts += result.conflicts.length;
      if (result.followUp) enqueue({ issueKey: result.followUp });
    } catch (error) {
      counters.failures += 1;
      failed(error);
    } finally {
      inFlight.delete(key);
      if (again.delete(key)) queue.set(key, item);
    }
  };

  const startReady = (running: Set<Promise<void>>) => {
    for (const [key, item] of queue) {
      if (running.size >= JIRA_SYNC_CONCURRENCY) return;
      if (inFlight.has(key)) continue;
      queue.delete(key);
      const done: Promise<void> = syncPair(key, item).finally(() => running.delete(done));
      running.add(done);
    }
  };
  const running = new Set<Promise<void>>();

  /** Committed webhook deliveries into the queue, batch after batch. */
  const takeDeliveries = async () => {
    deliveriesPending = false;
    takingDeliveries = true;
    try {
      for (;;) {
        const taken = await tickActivities.takeJiraWebhookDeliveries(tenantId);
        for (const issueKey of taken.issueKeys) enqueue({ issueKey });
        if (!taken.more) return;
      }
    } finally {
      takingDeliveries = false;
    }
  };

  /** Syncs everything queued now (and what arrives meanwhile) until nothing is queued or running. */
  const drain = async () => {
    for (;;) {
      if (deliveriesPending) await takeDeliveries();
      startReady(running);
      if (running.size === 0) return;
      await Promise.race(running);
      if (stopping) throw stopping;
    }
  };

  const carryOn = (reconcile?: JiraSyncCarriedState['reconcile']) =>
    continueAsNew<typeof jiraSyncWorkflow>({
      tenantId,
      carried: { queue: [...queue.values()], reconcileRequested, refreshRequested, counters, lastError, reconcile, ...(deliveriesPending ? { deliveriesPending } : {}) },
    });

  const reconcile = async (resume?: JiraSyncCarriedState['reconcile']) => {
    reconciling = true;
    try {
      let startedAt: string;
      let jql: string | null;
      let failuresBefore: number;
      let pageToken: string | null = null;
      if (resume) {
        ({ startedAt, jql, pageToken, failuresBefore } = resume);
      } else {
        // Deliveries whose signal was lost (the API died after committing them) are applied at the latest now.
        if (patched(WEBHOOK_DELIVERY_TABLE_PATCH)) await takeDeliveries();
        const plan = await siteActivities.planJiraReconcile(tenantId);
        for (const ticketId of plan.ticketIds) enqueue({ ticketId });
        ({ startedAt, jql } = plan);
        failuresBefore = counters.failures;
      }
      while (jql) {
        if (patched(BULK_SEARCH_PAGES_PATCH)) {
          // New issues become tickets in bulk inside the activity; only what needs a pair sync is queued.
          const applied = await siteActivities.applyChangedJiraIssues(tenantId, jql, pageToken);
          counters.synced += applied.created;
          for (const issueKey of applied.issueKeys) enqueue({ issueKey });
          pageToken = applied.nextPageToken;
        } else {
          const page: JiraChangedIssuesPage = await siteActivities.findChangedJiraIssues(tenantId, jql, pageToken);
          for (const issueKey of page.issueKeys) enqueue({ issueKey });
          pageToken = page.nextPageToken;
        }
        // Sync as pages arrive, so a backfill of thousands of issues keeps the queue small; a long one goes on in
        // a new run (same search, same page token) before the history grows too large.
        await drain();
        if (!pageToken) break;
        if (workflowInfo().continueAsNewSuggested) await carryOn({ startedAt, jql, pageToken, failuresBefore });
      }
      await drain();
      if (counters.failures === failuresBefore) await siteActivities.completeJiraReconcile(tenantId, startedAt);
    } finally {
      reconciling = false;
    }
  };
  try {
    await siteActivities.prepareJiraSync(tenantId);
  } catch (error) {
    failed(error);
    throw stopping ?? error;
  }

  let resumeReconcile = carried.reconcile;
  for (;;) {
    await condition(() => queue.size > 0 || deliveriesPending || reconcileRequested || refreshRequested || resumeReconcile !== undefined || workflowInfo().continueAsNewSuggested);
    if (workflowInfo().continueAsNewSuggested && running.size === 0 && !resumeReconcile) await carryOn();
    try {
      if (resumeReconcile) {
        const resume = resumeReconcile;
        resumeReconcile = undefined;
        await reconcile(resume);
      }
      if (refreshRequested) {
        refreshRequested = false;
        await siteActivities.refreshJiraWebhooks(tenantId);
      }
      await drain();
      if (reconcileRequested) {
        reconcileRequested = false;
        await reconcile();
      }
    } catch (error) {
      if (error instanceof ContinueAsNew) throw error;
      if (stopping) throw stopping;
      failed(error);
      if (stopping) throw stopping;
    }
  }
}

/** Started by a Schedule: passes its tick to the tenant's sync workflow, starting it if it is not running. */
export async function jiraSyncTickWorkflow(input: JiraSyncTickInput): Promise<void> {
  await tickActivities.signalJiraSync(input);
}
