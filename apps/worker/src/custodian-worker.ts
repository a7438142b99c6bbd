import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../../../activities';

export interface CustodianWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
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
      : { workflowsPath: require.resolve('../../../workflows') }),
    activities: createActivities(options.dependencies),
  });
}
