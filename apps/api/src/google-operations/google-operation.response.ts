import type { Response } from 'express';
import type { GoogleOperationView } from './google-operation.view';

/** 202 for a newly started operation, 200 (Idempotent-Replayed) for the one the ticket already has. */
/**
 * How a start is made safe to retry, in the routes' OpenAPI descriptions: the ticket, not an Idempotency-Key header
 * (one operation of a kind per ticket, its request fingerprinted), so such a header is not read.
 */
export const TICKET_IS_THE_IDEMPOTENCY_KEY =
  ' Retries are safe without an Idempotency-Key (the header is not read): the ticket is the key, so a repeat of the same request for the ticket answers 200 with the same operation (Idempotent-Replayed: true) and a different request for it 409.';

export function answerStarted(response: Response, started: { operation: GoogleOperationView; created: boolean }): GoogleOperationView {
  response.status(started.created ? 202 : 200);
  if (!started.created) response.setHeader('Idempotent-Replayed', 'true');
  response.setHeader('Location', started.operation.statusUrl);
  return started.operation;
}
