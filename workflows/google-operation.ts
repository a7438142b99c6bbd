import { ActivityFailure, ApplicationFailure, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  cancelGoogleOperationUpdate,
  CANCELLER_ROLES,
  GOOGLE_OPERATION_REFUSED,
  googleOperationStateQuery,
  type GoogleOperationActivities,
  type GoogleOperationDecision,
  type GoogleOperationInput,
  type GoogleOperationKind,
  type GoogleOperationRecord,
  type GoogleOperationState,
  type GoogleOperationStep,
  type TicketOutcome,
} from '../libs/contracts';

/** Google's verdicts that no retry changes: the workflow fails at once with Google's reason. */
const NON_RETRYABLE_GOOGLE_TYPES = [
  'GoogleUserNotFound',
  'GooglePermissionDenied',
  'GoogleInvalidRequest',
  'GoogleUnauthorized',
  'GoogleReconsentRequired',
  'GoogleScopesRefused',
  GOOGLE_OPERATION_REFUSED,
];

// One Directory call per attempt, 30 s HTTP timeout inside; the activity heartbeats while it waits, so a dead
// worker is noticed in 10 s. Rate limits and outages retry with backoff (Retry-After, when Google sends one,
// sets the next delay); after about half an hour of trying the operation fails and the ticket says so, rather
// than a password reset landing hours after it was asked for.
export const google = proxyActivities<GoogleOperationActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE_GOOGLE_TYPES },
});

// Our own database: the ticket and the audit trail must be written, so these retry until they are.
export const records = proxyActivities<Pick<GoogleOperationActivities, 'recordTicketOutcome' | 'auditGoogleOperation' | 'recordGoogleOperation'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['TicketNotFound'] },
});

const WORKFLOW_ACTOR = 'workflow:google-operations';

/**
 * Histories from before this patch have no recordGoogleOperation activity at the steps without an audit event of
 * their own (setting_password, signing_out, unsuspending, changing_access); they replay without it.
 */
export const STEP_RECORDS_PATCH = 'google-operation-step-records';

/** How the workflow stands once a record is written: its last record says how it ends. */
interface Ending {
  status: GoogleOperationRecord['status'];
  failure: GoogleOperationRecord['failure'];
}

/** How a Google operation ended when it did not fail. */
export interface GoogleOperationConclusion {
  step: Extract<GoogleOperationStep, 'completed' | 'expired' | 'cancelled'>;
  /** The comment left on the ticket. */
  comment: string;
}

/**
 * What the three Google operation workflows share: the live state behind the query and the ending, which
 * always leaves the ticket resolved or rejected with a comment saying why. Only a workflow that waits for an
 * approval accepts the cancel Update (acceptCancellation); the others never wait, so there is nothing to cancel.
 */
export class GoogleOperationProgress {
  readonly state: GoogleOperationState = { step: 'checking_user', signIn: null, approvalDeadline: null, approvedBy: null, outcome: null, secretId: null, history: [] };
  cancelledBy: string | null = null;
  /** How many records of the state this run has made (each audit, ticket outcome and step record carries one). */
  private revision = 0;

  constructor(
    private readonly input: GoogleOperationInput,
    private readonly kind: GoogleOperationKind,
  ) {
    this.enter('checking_user');
    setHandler(googleOperationStateQuery, () => this.snapshot());
  }

  /** Registers the cancel Update, accepted only while an approval is awaited. */
  acceptCancellation(): void {
    setHandler(
      cancelGoogleOperationUpdate,
      (decision) => {
        this.cancelledBy = decision.decidedBy;
        return this.snapshot();
      },
      { validator: (decision) => this.validateCancel(decision) },
    );
  }

  enter(step: GoogleOperationStep): void {
    this.state.step = step;
    this.state.history.push({ step, at: new Date(Date.now()).toISOString() });
  }

  /** Enters a step that writes no audit event of its own, and records it so the status page shows it. */
  async advance(step: GoogleOperationStep): Promise<void> {
    this.enter(step);
    if (patched(STEP_RECORDS_PATCH)) await records.recordGoogleOperation(this.record('RUNNING'));
  }

  snapshot(): GoogleOperationState {
    return { ...this.state, history: [...this.state.history] };
  }

  /** A decision must come from this tenant; anything else is refused before it reaches history. */
  assertSameTenant(decision: GoogleOperationDecision): void {
    if (decision.tenantId !== this.input.tenantId) throw new Error('this request belongs to another tenant');
  }

  audit(action: string, outcome: 'success' | 'failure' | 'pending', actor: string, details?: Record<string, string | number | boolean | null>): Promise<void> {
    const { tenantId, ticketRef, userEmail } = this.input;
    return records.auditGoogleOperation({
      tenantId,
      ticketRef,
      userEmail,
      actor,
      action,
      outcome,
      details,
      eventKey: `${workflowInfo().workflowId}/${action}`,
      record: this.record('RUNNING'),
    });
  }

  /** ending: how the workflow ends right after this comment, when it is its last step. */
  ticket(status: TicketOutcome['status'], comment: string, ending: Ending = { status: 'RUNNING', failure: null }): Promise<void> {
    const { tenantId, ticketRef } = this.input;
    return records.recordTicketOutcome({ tenantId, ticketRef, status, comment, author: WORKFLOW_ACTOR, record: this.record(ending.status, ending.failure) });
  }

  /** The state as of now, for the row the status page reads (the secret's id at most, never a secret). */
  private record(status: GoogleOperationRecord['status'], failure: GoogleOperationRecord['failure'] = null): GoogleOperationRecord {
    const { tenantId, ticketRef, requesterId } = this.input;
    this.revision += 1;
    return { tenantId, kind: this.kind, ticketRef, workflowId: workflowInfo().workflowId, requesterId: requesterId ?? null, status, state: this.snapshot(), failure, revision: this.revision };
  }

  /**
   * Ends the operation refused, as an activity's refusal does: the ticket says why and the workflow fails
   * with GOOGLE_OPERATION_REFUSED (thrown for run() to catch).
   */
  refuse(reason: string): never {
    throw ApplicationFailure.create({ type: GOOGLE_OPERATION_REFUSED, message: reason, nonRetryable: true });
  }

  /**
   * Runs the operation. Its conclusion goes on the ticket; a failed Google call (or a refusal) fails the
   * workflow with the failure's type after the ticket says what went wrong.
   */
  async run(operation: () => Promise<GoogleOperationConclusion>): Promise<GoogleOperationState> {
    let conclusion: GoogleOperationConclusion;
    try {
      conclusion = await operation();
    } catch (error) {
      if (!(error instanceof ActivityFailure) && !(error instanceof ApplicationFailure)) throw error;
      const failure = error instanceof ActivityFailure ? error.cause : error;
      const cause = failure instanceof ApplicationFailure ? failure : undefined;
      const reason = cause?.message ?? error.message;
      const type = cause?.type ?? 'GoogleOperationFailed';
      this.state.outcome = reason;
      this.enter('failed');
      await this.ticket('rejected', `Custodian could not complete this: ${reason}`, { status: 'FAILED', failure: { type, message: reason } });
      throw ApplicationFailure.create({ type, message: reason, nonRetryable: true });
    }
    this.state.outcome ??= conclusion.comment;
    this.enter(conclusion.step);
    await this.ticket(conclusion.step === 'completed' ? 'resolved' : 'rejected', conclusion.comment, { status: 'COMPLETED', failure: null });
    return this.snapshot();
  }

  private validateCancel(decision: GoogleOperationDecision): void {
    this.assertSameTenant(decision);
    if (!CANCELLER_ROLES.includes(decision.role)) throw new Error(`role ${decision.role} cannot cancel a Google operation`);
    if (this.state.step !== 'awaiting_approval') throw new Error(`only a request awaiting approval can be cancelled; this one is ${this.state.step}`);
    if (this.cancelledBy) throw new Error('this request is already cancelled');
    if (this.state.approvedBy) throw new Error(`this request was already approved by ${this.state.approvedBy}`);
  }
}
