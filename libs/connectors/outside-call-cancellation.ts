import { AsyncLocalStorage } from 'node:async_hooks';

const currentSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `work` so that every Google and Jira request made inside it is aborted when `signal` fires: the worker
 * runs each activity this way with the activity's cancellation signal, so a cancelled (or timed-out) activity
 * stops waiting on the provider instead of holding a connection and a worker slot until the HTTP timeout. The
 * signal travels with the async call chain, down through the sync engine, to whichever connector sends.
 */
export function abortingOutsideCallsOn<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return currentSignal.run(signal, work);
}

/** The signal of the work this call runs in (none outside an activity, e.g. in the API). */
export function outsideCallSignal(): AbortSignal | undefined {
  return currentSignal.getStore();
}

/** After an abort the request's own error says little: the signal's reason (the activity's cancellation) says why. */
export function abortReasonOr(error: unknown): unknown {
  const signal = outsideCallSignal();
  return signal?.aborted ? (signal.reason ?? error) : error;
}
