import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { ensureTimeSkippingServer } from '../../libs/temporal/dev-tools';
import { sleepForDays } from './fixtures/sleep-for-days.workflow';

const sevenDaysMs = 7 * 24 * 60 * 60 * 1000;
const taskQueue = 'durable-timer-test';

describe('durable timers on the time-skipping test server', () => {
  let env: TestWorkflowEnvironment | undefined;

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    // The first run fetches the server's jars from Maven Central.
    const path = await ensureTimeSkippingServer({ log: (line) => console.log(line) });
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  }, 15 * 60_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('sleeps 7 days of workflow time in seconds of wall time', async () => {
    const { client, nativeConnection } = env!;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./fixtures/sleep-for-days.workflow'),
    });
    const wallStart = Date.now();
    const serverStart = await env!.currentTimeMs();

    const result = await worker.runUntil(client.workflow.execute(sleepForDays, { taskQueue, workflowId: 'sleep-for-days' }));

    expect(result).toBe('slept 7 days');
    expect((await env!.currentTimeMs()) - serverStart).toBeGreaterThanOrEqual(sevenDaysMs);
    expect(Date.now() - wallStart).toBeLessThan(30_000);
  });
});
