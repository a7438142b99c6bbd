import { Runtime } from '@temporalio/worker';

/**
 * The Temporal SDK's own metrics (workflow and activity task latencies, task slots, pollers, sticky cache,
 * requests to the frontend) served for Prometheus on http://<metricsAddress>/metrics, in Prometheus' usual
 * shape: counters end in _total, durations in seconds. Must run before the first connection is made.
 */
export function installWorkerRuntime(metricsAddress: string): void {
  Runtime.install({
    telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } },
  });
}
