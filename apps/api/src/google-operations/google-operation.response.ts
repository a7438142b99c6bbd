import type { Response } from 'express';
import type { GoogleOperationView } from './google-operation.view';

/** 202 for a newly started operation, 200 (Idempotent-Replayed) for the one the ticket already has. */
export function answerStarted(response: Response, started: { operation: GoogleOperationView; created: boolean }): GoogleOperationView {
  response.status(started.created ? 202 : 200);
  if (!started.created) response.setHeader('Idempotent-Replayed', 'true');
  response.setHeader('Location', started.operation.statusUrl);
  return started.operation;
}
