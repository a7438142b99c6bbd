import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { TenantScopedDatabase } from '../../libs/db';
import { custodianDataConverter } from '../../libs/temporal/data-converter';
import { WorkerPayloadCodec } from '../../libs/temporal/worker-payload-codec';
import { temporalClient, testActivityDependencies, testEnv, testPayloadCodec } from './test-environment';

/**
 * The real worker (real workflows and activities over the test database) that says when its activities run,
 * the only code besides the API that writes rows: a test can tell the API's writes from the workflows'.
 */
export interface WatchedWorker {
  /** Activities running now. */
  readonly running: number;
  /** Counts every activity start and end: unchanged over a span of time means no activity ran in it. */
  readonly changes: number;
  /** Resolves once no activity has run for quietMs, or after maxMs at the latest. */
  quiet(options: { quietMs: number; maxMs: number }): Promise<void>;
  stop(): Promise<void>;
}

export async function startWatchedWorker(db: TenantScopedDatabase, taskQueue: string): Promise<WatchedWorker> {
  const connection = await NativeConnection.connect({ address: testEnv().temporalAddress });
  const temporal = await temporalClient();
  let running = 0;
  let changes = 0;
  let lastChangeAt = Date.now();
  const mark = (delta: number) => {
    running += delta;
    changes += 1;
    lastChangeAt = Date.now();
  };
  const activities = Object.fromEntries(
    Object.entries(createActivities(testActivityDependencies(db, temporal.client)) as Record<string, (...args: unknown[]) => Promise<unknown>>).map(([name, activity]) => [
      name,
      async (...args: unknown[]) => {
        mark(1);
        try {
          return await activity(...args);
        } finally {
          mark(-1);
        }
      },
    ]),
  );
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: testEnv().workflowBundle },
    activities,
    dataConverter: custodianDataConverter(new WorkerPayloadCodec(testPayloadCodec())),
  });
  const run = worker.run();
  return {
    get running() {
      return running;
    },
    get changes() {
      return changes;
    },
    async quiet({ quietMs, maxMs }) {
      const deadline = Date.now() + maxMs;
      while (Date.now() < deadline && (running > 0 || Date.now() - lastChangeAt < quietMs)) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    async stop() {
      worker.shutdown();
      await run;
      await temporal.close();
      await connection.close();
    },
  };
}
