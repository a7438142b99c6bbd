import { NativeConnection, Worker } from '@temporalio/worker';
import type { PayloadCodec } from '@temporalio/common';
import { createActivities, type ActivityDependencies } from '../../../activities';
import { custodianDataConverter, WORKFLOW_BUNDLE_OPTIONS } from '../../../libs/temporal/data-converter';
import { WorkerPayloadCodec } from '../../../libs/temporal/worker-payload-codec';

export interface CustodianWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** Encrypts every payload the worker sends to Temporal; what it refuses to decode, the workflows refuse too. */
  payloadCodec: PayloadCodec;
  /** A bundle made ahead of time (production, tests); without it the workflows are bundled at start. */
  workflowBundlePath?: string;
}

/** Wiring only: the workflows, the activities over their dependencies, the task queue. */
export function createCustodianWorker(options: CustodianWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../../../workflows'), interceptors: { workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules } }),
    activities: createActivities(options.dependencies),
    dataConverter: custodianDataConverter(new WorkerPayloadCodec(options.payloadCodec)),
  });
}
