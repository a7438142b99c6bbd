import { runChaos, type ChaosResult } from '../../bench/chaos/chaos-run';

/**
 * Mixed operations (tickets, password resets, unlocks, deletions requested and cancelled) through the real API
 * while the worker, the Temporal server and PostgreSQL are killed at random; then the invariant checker
 * (bench/chaos/chaos-invariants.ts) judges what persisted. In npm test: 40 operations and 3 kills (one of each);
 * `npm run chaos` runs the same with CHAOS_OPERATIONS=1000 and CHAOS_KILLS=10 and prints the report.
 */
const OPERATIONS = Number(process.env.CHAOS_OPERATIONS ?? 40);
const KILLS = Number(process.env.CHAOS_KILLS ?? 3);
const VERBOSE = process.env.CHAOS_VERBOSE === '1';

describe(`chaos: ${OPERATIONS} operations while the worker, Temporal and PostgreSQL are killed ${KILLS} times`, () => {
  it('ends every accepted request exactly once or leaves it visibly pending, with no duplicate Google effect and verifying audit chains', async () => {
    const lines: string[] = [];
    const log = (line: string) => {
      if (!line.startsWith('worker:')) lines.push(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
      if (VERBOSE) console.log(line);
    };
    let result: ChaosResult;
    try {
      result = await runChaos({ operations: OPERATIONS, kills: KILLS, concurrency: 10, log });
    } finally {
      if (!VERBOSE) console.log(lines.join('\n'));
    }
    const { report } = result;
    console.log(
      [
        `kills: ${result.kills.map((kill) => `${kill.target} after ${kill.afterOperations} (${kill.downMs} ms down)`).join('; ')}`,
        `worker processes that died: ${result.workerExits}; load ${result.loadSeconds.toFixed(1)} s; Google operations still running after the wait: ${result.stillRunning}`,
        `operations ${report.operations}: accepted ${report.accepted}, refused ${report.refused}, gave up ${report.gaveUp}`,
        ...Object.entries(report.refusals).map(([reason, count]) => `  refused ${count}x: ${reason}`),
        `ended exactly once ${report.endedOnce}, visibly pending ${report.visiblyPending}`,
        `5xx or no answer: ${report.answered5xx} operations; the retry converged ${report.converged5xx}, nothing persisted ${report.notPersisted5xx}`,
        `Google writes repeated with the same effect ${report.googleRepeats}, with a different effect ${report.googleConflicts}`,
        `audit chains verified ${report.chainsVerified}`,
        `violations ${report.violations.length}`,
        ...report.violations.slice(0, 50).map((violation) => `  ${violation}`),
      ].join('\n'),
    );

    expect(result.kills.map((kill) => kill.target).sort()).toEqual(expect.arrayContaining(KILLS >= 3 ? ['postgres', 'temporal', 'worker'] : []));
    expect(report.violations).toEqual([]);
    expect(result.stillRunning).toBe(0);
    expect(report.gaveUp).toBe(0);
    expect(report.endedOnce + report.visiblyPending).toBe(report.accepted);
    expect(report.googleConflicts).toBe(0);
  }, Math.max(600_000, OPERATIONS * 2_000));
});
