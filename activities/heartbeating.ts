import { Context } from '@temporalio/activity';

/** With no heartbeat timeout set, a beat still delivers cancellation; this often. */
const DEFAULT_BEAT_MS = 3_000;

/**
 * Runs `work` while the activity heartbeats on a timer (a quarter of its heartbeat timeout), so a long database
 * or HTTP call is not taken for a dead worker, and a cancellation, which Temporal hands an activity only in
 * answer to a heartbeat, arrives while the call is still in flight. `details` is sent with every beat (what a
 * retry resumes from).
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  const context = Context.current();
  const timeoutMs = context.info.heartbeatTimeoutMs;
  const everyMs = timeoutMs ? Math.max(250, Math.floor(timeoutMs / 4)) : DEFAULT_BEAT_MS;
  context.heartbeat(details());
  const beat = setInterval(() => context.heartbeat(details()), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
