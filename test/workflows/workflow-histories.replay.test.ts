import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { workflowSpanSinks } from '../../apps/worker/src/custodian-worker';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../libs/temporal/data-converter';
import { historyDataConverter, recordedHistories } from '../support/recorded-histories';
import { testEnv } from '../support/test-environment';

/** The workflows that wait for hours or days, so a release meets them half-way: each has a recorded history. */
const LONG_RUNNING = ['tenantDeletionWorkflow', 'passwordResetWorkflow', 'breachNotificationWorkflow', 'jiraSyncWorkflow', 'vulnerabilityReportWorkflow'];

/**
 * Histories recorded from the real workflows (npm run histories:record, test/workflows/histories/) replayed
 * against today's workflow code: a change that would make a running workflow fail on its next task after a
 * release (a command added, removed or reordered without patched()) fails here first.
 */
describe('recorded workflow histories replay against the current workflow code', () => {
  const histories = recordedHistories();
  // The worker's data converter (under the test KEK) and its sinks: the bundle's tracing interceptors export through one.
  const replay = (options: Partial<ReplayWorkerOptions>): ReplayWorkerOptions => ({ dataConverter: historyDataConverter(), sinks: workflowSpanSinks(undefined), ...options });

  it('has a history for every long-running workflow', () => {
    const types = new Set(histories.map(({ history }) => history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    expect(LONG_RUNNING.filter((type) => !types.has(type))).toEqual([]);
  });

  it('replays each of them without a nondeterminism error', async () => {
    // The bundle the test workers run: the workflows built with the worker's WORKFLOW_BUNDLE_OPTIONS.
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(replay({ workflowBundle: { codePath: testEnv().workflowBundle } }), histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  }, 120_000);

  describe('a new step in a deletion waiting out its grace period', () => {
    const midGrace = () => histories.find(({ file }) => file === 'tenantDeletionWorkflow.mid-grace.json')!.history;
    // Bundled as the worker bundles workflows when it has no bundle made ahead of time.
    const changed = (fixture: string): Partial<ReplayWorkerOptions> => ({
      workflowsPath: require.resolve(`./fixtures/${fixture}`),
      interceptors: { workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules },
    });

    it('fails replay when the step is simply added before the first activity', async () => {
      await expect(Worker.runReplayHistory(replay(changed('tenant-deletion-unpatched-step.workflow')), midGrace())).rejects.toThrow(DeterminismViolationError);
    }, 120_000);

    it('replays when the same step is behind patched()', async () => {
      await expect(Worker.runReplayHistory(replay(changed('tenant-deletion-patched-step.workflow')), midGrace())).resolves.toBeUndefined();
    }, 120_000);
  });
});
