import { NativeConnection, Worker, type InjectedSinks } from '@temporalio/worker';
import type { PayloadCodec } from '@temporalio/common';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, type OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from '../../../libs/observability/tracing';
import { createActivities, type ActivityDependencies } from '../../../activities';
import { custodianDataConverter, WORKFLOW_BUNDLE_OPTIONS } from '../../../libs/temporal/data-converter';
import { WorkerPayloadCodec } from '../../../libs/temporal/worker-payload-codec';
import { ActivityErrorReporting } from './activity-error-reporting';

export interface CustodianWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** Encrypts every payload the worker sends to Temporal; what it refuses to decode, the workflows refuse too. */
  payloadCodec: PayloadCodec;
  /** A bundle made ahead of time (production, tests); without it the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** After SIGTERM (worker.shutdown()), how long running activities may finish before they are cancelled. */
  shutdownGraceSeconds?: number;
  /** Workflow and activity spans go here while tracing is on; without it the workflows' spans are dropped. */
  tracing?: Pick<Tracing, 'spanProcessor' | 'resource'>;
}

/** Wiring only: the workflows, the activities over their dependencies, the task queue. */
export function createCustodianWorker(options: CustodianWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath: require.resolve('../../../workflows') }),
    activities: createActivities(options.dependencies),
    interceptors: {
      // A prebuilt bundle already holds them (built with WORKFLOW_BUNDLE_OPTIONS).
      ...(options.workflowBundlePath ? {} : { workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules }),
      // The activity span is the parent of the Google and Jira HTTP spans the activity makes.
      activity: [(context) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(context) }), (context) => ({ inbound: new ActivityErrorReporting(context) })],
    },
    sinks: workflowSpanSinks(options.tracing),
    dataConverter: custodianDataConverter(new WorkerPayloadCodec(options.payloadCodec)),
    ...(options.shutdownGraceSeconds !== undefined ? { shutdownGraceTime: `${options.shutdownGraceSeconds}s` } : {}),
  });
}

/** The bundle's OpenTelemetry interceptors always export through this sink: to the span processor, or nowhere. */
export function workflowSpanSinks(tracing: CustodianWorkerOptions['tracing']): InjectedSinks<OpenTelemetrySinks> {
  if (tracing) return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
  return { exporter: { export: { fn: () => undefined, callDuringReplay: false } } };
}
