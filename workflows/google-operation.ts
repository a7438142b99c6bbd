import { ActivityFailure, ApplicationFailure, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  cancelGoogleOperationUpdate,
  CANCELLER_ROLES,
  GOOGLE_OPERATION_REFUSED,
  googleOperationStateQuery,
  type GoogleOperationActivities,
  type GoogleOperationDecision,
  type GoogleOperationInput,
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
export const records = proxyActivities<Pick<GoogleOperationActivities, 'recordTicketOutcome' | 'auditGoogleOperation'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['TicketNotFound'] },
});

const WORKFLOW_ACTOR = 'workflow:google-operations';

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

  constructor(private readonly input: GoogleOperationInput) {
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

  snapshot(): GoogleOperationState {
    return { ...this.state, history: [...this.state.history] };
  }

  /** A decision must come from this tenant; anything else is refused before it reaches history. */
  assertSameTenant(decision: GoogleOperationDecision): void {
    if (decision.tenantId !== this.input.tenantId) throw new Error('this request belongs to another tenant');
  }

  audit(action: string, outcome: 'success' | 'failure' | 'pending', actor: string, details?: Record<string, string | number | boolean | null>): Promise<void> {
    const { tenantId, ticketRef, userEmail } = this.input;
    return records.auditGoogleOperation({ tenantId, ticketRef, userEmail, actor, action, outcome, details, eventKey: `${workflowInfo().workflowId}/${action}` });
  }

  ticket(status: TicketOutcome['status'], comment: string): Promise<void> {
    return records.recordTicketOutcome({ tenantId: this.input.tenantId, ticketRef: this.input.ticketRef, status, comment, author: WORKFLOW_ACTOR });
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
      this.state.outcome = reason;
      this.enter('failed');
      await this.ticket('rejected', `Custodian could not complete this: ${reason}`);
      throw ApplicationFailure.create({ type: cause?.type ?? 'GoogleOperationFailed', message: reason, nonRetryable: true });
    }
    this.state.outcome ??= conclusion.comment;
    this.enter(conclusion.step);
    await this.ticket(conclusion.step === 'completed' ? 'resolved' : 'rejected', conclusion.comment);
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
