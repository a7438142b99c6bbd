import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  cancelTenantDeletionUpdate,
  DELETION_CANCEL_FORBIDDEN,
  DELETION_NOT_CANCELLABLE,
  TENANT_DELETION_JIRA_PATCH,
  tenantDeletionStateQuery,
  type CancelTenantDeletionRequest,
  type TenantDeletionActivities,
  type TenantDeletionInput,
  type TenantDeletionProgress,
  type TenantDeletionResult,
  type TenantDeletionState,
} from '../libs/contracts';

const CANCEL_BESIDE_REQUESTED_NOTICE_PATCH = 'tenant-deletion-cancel-beside-requested-notice';

// Database writes and notices: quick when healthy, retried with backoff through outages, for as long as it
// takes (a deletion must finish); "not due yet" (clocks a little apart) is retried the same way.
const activities = proxyActivities<TenantDeletionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: ['InvalidNotice'] },
});

// One batch per call, heartbeating: a worker that dies mid-batch is noticed within the heartbeat timeout and
// the batch is retried elsewhere; the batch's own transaction either committed (with its count) or did not.
const { deleteTenantRowsBatch } = proxyActivities<TenantDeletionActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Stops the tenant's other workflows one by one, heartbeating the ones stopped so far: a worker that dies midway
// is noticed within the heartbeat timeout and the retry carries on from its last heartbeat.
const { stopTenantWorkflows } = proxyActivities<TenantDeletionActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Jira's webhooks are deleted at Jira inside this call: its 429s and 5xx are retried by the activity a few times
// (Retry-After honoured) before it reports the step failed; a heartbeat carries the steps already taken.
const { disconnectTenantJira } = proxyActivities<TenantDeletionActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

/** A late writer can add rows after a table's pass; the final check sends the deletion back that often. */
const MAX_SWEEPS = 3;
/** Each batch adds a few events; continue as new well before the history gets heavy. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 5_000;

/**
 * Deletes a tenant after a cancellable grace period. Pending: the tenant works as before and any of its
 * admins can cancel (Update). When the timer fires: its other workflows are stopped, provider tokens revoked,
 * every row of every tenant table deleted in batches, its data keys destroyed, and a certificate kept in a
 * tombstone outside tenant data and emailed to the requester.
 */
export async function tenantDeletionWorkflow(input: TenantDeletionInput): Promise<TenantDeletionResult> {
  const scheduledMs = Date.parse(input.scheduledAt);
  const state: TenantDeletionState = {
    tenantId: input.tenantId,
    phase: input.resume ? 'deleting' : 'pending',
    requestedBy: input.requestedBy,
    requestedAt: input.requestedAt,
    scheduledAt: input.scheduledAt,
    remainingMs: 0,
    asOf: input.requestedAt,
    cancelledBy: null,
    cancelledAt: null,
    currentTable: null,
    completedAt: null,
  };
  const snapshot = (): TenantDeletionState => ({
    ...state,
    remainingMs: state.phase === 'pending' ? Math.max(0, scheduledMs - Date.now()) : 0,
    asOf: new Date(Date.now()).toISOString(),
  });
  setHandler(tenantDeletionStateQuery, snapshot);

  let cancellation: CancelTenantDeletionRequest | undefined;
  let restored = false;
  setHandler(
    cancelTenantDeletionUpdate,
    async (request) => {
      cancellation ??= request;
      await condition(() => restored);
      return snapshot();
    },
    {
      validator: (request) => {
        if (request.tenantId !== input.tenantId || request.role !== 'admin') {
          throw ApplicationFailure.create({ type: DELETION_CANCEL_FORBIDDEN, message: 'only an admin of this tenant may cancel its deletion' });
        }
        // A repeat of the cancellation (its caller lost the first answer) gets the cancelled deletion back.
        if (state.phase === 'cancelled') return;
        if (state.phase !== 'pending' || Date.now() >= scheduledMs) {
          throw ApplicationFailure.create({
            type: DELETION_NOT_CANCELLABLE,
            message: `the grace period ended at ${input.scheduledAt}; the deletion can no longer be cancelled`,
          });
        }
      },
    },
  );

  let progress = input.resume;
  if (!progress) {
    const requestedNotice = await graceBesideRequestedNotice(input, () => cancellation !== undefined, scheduledMs);
    const cancelled = requestedNotice.cancelled;
    if (cancelled && cancellation) {
      await activities.restoreTenant({ tenantId: input.tenantId, cancelledBy: cancellation.cancelledBy, requestedAt: input.requestedAt });
      state.phase = 'cancelled';
      state.cancelledBy = cancellation.cancelledBy;
      state.cancelledAt = new Date(Date.now()).toISOString();
      restored = true;
      // The admins hear of the request before they hear of its cancellation.
      await requestedNotice.sent();
      await activities.sendTenantDeletionNotice({ ...noticeFields(input), kind: 'cancelled', cancelledBy: cancellation.cancelledBy });
      await condition(allHandlersFinished);
      return { outcome: 'cancelled', cancelledBy: state.cancelledBy, cancelledAt: state.cancelledAt };
    }
    await requestedNotice.sent();
    state.phase = 'deleting';
    const workflowId = workflowInfo().workflowId;
    await activities.beginTenantDeletion({ tenantId: input.tenantId, workflowId });
    // Before the other workflows stop: Jira's Schedules would otherwise start the sync again.
    const jira = patched(TENANT_DELETION_JIRA_PATCH) ? await disconnectTenantJira({ tenantId: input.tenantId }) : undefined;
    const stoppedWorkflows = await stopTenantWorkflows({ tenantId: input.tenantId, exceptWorkflowId: workflowId });
    const revocations = await activities.revokeTenantCredentials({ tenantId: input.tenantId });
    const plan = await activities.planTenantDeletion({ tenantId: input.tenantId });
    progress = { plan, stepIndex: 0, sweep: 0, stoppedWorkflows, revocations, ...(jira !== undefined ? { jira } : {}) };
  }
  return deleteEverything(input, state, progress);
}

async function deleteEverything(
  input: TenantDeletionInput,
  state: TenantDeletionState,
  progress: TenantDeletionProgress,
): Promise<TenantDeletionResult> {
  for (;;) {
    while (progress.stepIndex < progress.plan.length) {
      const step = progress.plan[progress.stepIndex]!;
      state.currentTable = step.table;
      const { deleted } = await deleteTenantRowsBatch({ tenantId: input.tenantId, table: step.table });
      if (deleted === 0) progress = { ...progress, stepIndex: progress.stepIndex + 1 };
      if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_EVENTS_BEFORE_CONTINUE) {
        await continueAsNew<typeof tenantDeletionWorkflow>({ ...input, resume: progress });
      }
    }
    state.currentTable = null;
    const sealed = await activities.completeTenantDeletion({
      tenantId: input.tenantId,
      requesterEmail: input.requesterEmail,
      workflowId: workflowInfo().workflowId,
      stoppedWorkflows: progress.stoppedWorkflows,
      revocations: progress.revocations,
      jira: progress.jira,
    });
    if (sealed.certificate) {
      state.phase = 'deleted';
      state.completedAt = sealed.certificate.completedAt;
      await activities.sendDeletionCertificate({ certificate: sealed.certificate });
      return { outcome: 'deleted', certificate: sealed.certificate };
    }
    if (progress.sweep >= MAX_SWEEPS) {
      throw ApplicationFailure.nonRetryable(`rows keep appearing in ${sealed.remainingTables.join(', ')} during deletion`, 'TenantDeletionIncomplete');
    }
    const plan = await activities.planTenantDeletion({ tenantId: input.tenantId, tables: sealed.remainingTables });
    progress = { ...progress, plan, stepIndex: 0, sweep: progress.sweep + 1 };
  }
}

/**
 * The grace period, with the notice of the request going out beside it: a cancellation is answered at once even
 * while that notice is held up (a worker that died sending it is only noticed after the activity's timeout). A
 * notice that fails for good ends the wait, as it failed the workflow before. Runs begun before this waited for
 * the notice first, and replay as they ran.
 */
async function graceBesideRequestedNotice(input: TenantDeletionInput, isCancelled: () => boolean, scheduledMs: number): Promise<{ cancelled: boolean; sent(): Promise<void> }> {
  const graceLeft = () => Math.max(1, scheduledMs - Date.now());
  if (!patched(CANCEL_BESIDE_REQUESTED_NOTICE_PATCH)) {
    await activities.sendTenantDeletionNotice({ ...noticeFields(input), kind: 'requested' });
    const cancelled = await condition(isCancelled, graceLeft());
    return { cancelled, sent: async () => undefined };
  }
  let failure: { error: unknown } | undefined;
  const sending = activities.sendTenantDeletionNotice({ ...noticeFields(input), kind: 'requested' }).catch((error: unknown) => {
    failure = { error };
  });
  const cancelled = await condition(() => isCancelled() || failure !== undefined, graceLeft());
  const sent = async () => {
    await sending;
    if (failure) throw failure.error;
  };
  if (failure) await sent();
  return { cancelled, sent };
}

function noticeFields(input: TenantDeletionInput) {
  return {
    tenantId: input.tenantId,
    requesterEmail: input.requesterEmail,
    requestedBy: input.requestedBy,
    requestedAt: input.requestedAt,
    scheduledAt: input.scheduledAt,
  };
}
