import type { KeyVersionInfo } from './key-provider';
import { KeyVersionInUseError } from './key-version-errors';

/** Retiring would make Temporal payloads undecodable; the operator may accept that explicitly. */
export class KeyVersionInHistoryError extends KeyVersionInUseError {
  override readonly name = 'KeyVersionInHistoryError';
}

/**
 * What the Temporal namespace says about payloads encoded under a KEK version. Every payload's data key is
 * wrapped under the version active when it was encoded, and workflow histories keep their payloads until
 * the namespace's retention has passed after the workflow closed: a version is needed for that long.
 */
export interface TemporalPayloadHistory {
  /** Closed workflow histories are deleted this long after they close. */
  retentionMs: number;
  /** Where the retention came from, for the operator. */
  retentionSource: string;
  /**
   * The workflow executions still stored that started before `cutoff`: how many still run, and when the last
   * of the others closed. Absent when Temporal could not be asked (only the time rule applies then).
   */
  executionsStartedBefore?: (cutoff: Date) => Promise<{ running: number; lastClosedAt?: Date }>;
}

/** Why retiring a version now would make Temporal payloads undecodable, and from when it will not. */
export interface PayloadHistoryAssessment {
  /** Empty when no stored history can hold a payload under the version any more. */
  reasons: string[];
  /** When the last such payload ages out; undefined when it cannot be known yet. */
  allowedFrom?: Date;
}

export const UNDECODABLE_HISTORY_CONSEQUENCE =
  'workflow histories that still hold payloads encoded under it can no longer be decoded: their inputs, results and ' +
  'Updates read as DecryptionFailedError (key_version_retired) in the API, the CLI and the Web UI, and a worker that ' +
  'replays such a workflow (after a restart, or when it leaves the cache) fails its workflow tasks for good';

/**
 * Whether Temporal may still hold payloads encoded under `version`. Payloads were encoded under it until
 * `supersededAt` plus the codec's data key lifetime (the data key in use then was wrapped under it); so
 * every execution started before that cutoff may hold some, until it has closed and the retention passed.
 */
export async function assessPayloadHistory(
  version: KeyVersionInfo,
  history: TemporalPayloadHistory | undefined,
  payloadKeyLifetimeMs: number,
  now: Date,
): Promise<PayloadHistoryAssessment> {
  if (!version.supersededAt) {
    return { reasons: [`the time KEK version ${version.version} stopped being active is not recorded, so when its Temporal payloads age out cannot be told`] };
  }
  if (!history) {
    return {
      reasons: [
        'the Temporal namespace retention is unknown: Temporal could not be reached (TEMPORAL_ADDRESS, TEMPORAL_TLS_*) and TEMPORAL_NAMESPACE_RETENTION_DAYS is not set',
      ],
    };
  }
  const cutoff = new Date(version.supersededAt.getTime() + payloadKeyLifetimeMs);
  let allowedFrom = new Date(cutoff.getTime() + history.retentionMs);
  const reasons: string[] = [];
  const retention = `${formatDuration(history.retentionMs)} (${history.retentionSource})`;
  const executions = await history.executionsStartedBefore?.(cutoff);
  if (executions?.lastClosedAt) {
    allowedFrom = new Date(Math.max(allowedFrom.getTime(), executions.lastClosedAt.getTime() + history.retentionMs));
  }
  // While executions from that time still run, nobody can say yet when their histories will age out.
  const running = executions?.running ?? 0;
  const stillRunning = running > 0;
  if (stillRunning) {
    reasons.push(
      `${running} workflow execution(s) started before ${cutoff.toISOString()} are still running; their histories hold payloads encoded under it until they close and the retention of ${retention} has passed`,
    );
  }
  if (now < allowedFrom) {
    reasons.push(
      `Temporal payloads encoded under it (until ${cutoff.toISOString()}: superseded at ${version.supersededAt.toISOString()}, plus ${formatDuration(payloadKeyLifetimeMs)} of the codec's data key) stay in workflow histories for the retention of ${retention}; retiring is allowed from ${allowedFrom.toISOString()}${stillRunning ? ' at the earliest' : ''}`,
    );
  }
  return reasons.length > 0 && !stillRunning ? { reasons, allowedFrom } : { reasons };
}

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 24 && Number.isInteger(hours / 24)) return `${hours / 24} day(s)`;
  if (Number.isInteger(hours)) return `${hours} hour(s)`;
  return `${Math.round(ms / 60_000)} minute(s)`;
}
