import { ApplicationFailure } from '@temporalio/activity';
import { appendAuditEvent, type AuditOutcome } from '../libs/audit';
import { GoogleConnectorError } from '../libs/connectors/google/google-errors';
import { outsideCallSignal } from '../libs/connectors/outside-call-cancellation';
import type { GoogleCallResult } from '../libs/connectors/google/google-directory-records';
import type { GoogleOperationInput } from '../libs/contracts';
import type { TenantScopedDatabase, TenantTransaction } from '../libs/db';

/**
 * One Google call with its audit event (actor, ticket, user, action, outcome, Google's request id; never a
 * password), written whether the call succeeded or failed. A connector failure becomes an ApplicationFailure
 * whose type is the connector's (GoogleRateLimited, GoogleUserNotFound, ...): not retryable when Google said
 * so, and with Retry-After as the next retry's delay.
 */
export async function auditedGoogleCall<T extends GoogleCallResult>(
  db: TenantScopedDatabase,
  input: GoogleOperationInput,
  action: string,
  call: () => Promise<T>,
  details: (result: T) => Record<string, unknown> = () => ({}),
  /** Recorded in the success event's transaction: both are written, or neither. */
  recordSuccess: (tx: TenantTransaction, result: T) => Promise<unknown> = async () => undefined,
): Promise<T> {
  let result: T;
  try {
    result = await call();
  } catch (error) {
    if (outsideCallSignal()?.aborted) {
      // Cancelled with the request in flight: Google may or may not have acted, and the trail says so.
      await auditGoogleOperationStep(db, input, action, 'failure', { error: 'CancelledInFlight' });
      throw error;
    }
    if (!(error instanceof GoogleConnectorError)) throw error;
    await auditGoogleOperationStep(db, input, action, 'failure', { error: error.type, status: error.status ?? null });
    throw activityFailureOf(error);
  }
  await auditGoogleOperationStep(db, input, action, 'success', { googleRequestId: result.requestId, ...details(result) }, (tx) => recordSuccess(tx, result));
  return result;
}

/** One audit event of a Google operation: who asked, the ticket, the user; `alsoRecord` in the same transaction. */
export function auditGoogleOperationStep(
  db: TenantScopedDatabase,
  input: GoogleOperationInput,
  action: string,
  outcome: AuditOutcome,
  details: Record<string, unknown>,
  alsoRecord: (tx: TenantTransaction) => Promise<unknown> = async () => undefined,
): Promise<void> {
  return db.withTenant(input.tenantId, async (tx) => {
    await alsoRecord(tx);
    await appendAuditEvent(tx, input.tenantId, { actor: input.requestedBy, action, target: input.userEmail, outcome, details: { ticketRef: input.ticketRef, ...details } });
  });
}

export function activityFailureOf(error: GoogleConnectorError): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.type,
    message: error.message,
    nonRetryable: !error.retryable,
    nextRetryDelay: error.retryAfterMs,
  });
}
