import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { ActivityDependencies } from '../../activities';
import { createCustodianWorker } from '../../apps/worker/src/custodian-worker';
import { ensureTimeSkippingServer } from '../../libs/temporal/dev-tools';
import { custodianDataConverter } from '../../libs/temporal/data-converter';
import { testEnv, testPayloadCodec } from './test-environment';

/** The time-skipping test server (the project's offline copy), with a client that encrypts like the product's. */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTimeSkippingServer({ log: (line) => console.log(line) });
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
    client: { dataConverter: custodianDataConverter(testPayloadCodec()) },
  });
}

/** The product's worker (the prebuilt workflow bundle, real activities over the given dependencies). */
export function createTimeSkippingWorker(env: TestWorkflowEnvironment, taskQueue: string, dependencies: ActivityDependencies): Promise<Worker> {
  return createCustodianWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    dependencies,
    payloadCodec: testPayloadCodec(),
    workflowBundlePath: testEnv().workflowBundle,
  });
}

/** Polls until the check passes (activities finish in wall time, after the server's clock has moved). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
