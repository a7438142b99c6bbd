/**
 * The simulator's notion of now: real time plus an offset a test can move forward, so access tokens and
 * dynamic webhooks (30 days) expire without waiting.
 */
export class SimulatedClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** Jira's timestamp format: 2026-12-01T08:15:30.123+0000. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
