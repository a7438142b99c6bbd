import { Client, type ConnectionLike } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { custodianDataConverter } from '../../../../libs/temporal/data-converter';
import type { ApiMetrics } from '../metrics/api-metrics';
import { WorkflowStartCounter } from '../metrics/workflow-start-counter';

/**
 * The API's Temporal client: payloads encrypted, each start counted, and the caller's trace context carried
 * into the workflow's headers (a no-op while tracing is off: no tracer provider is registered).
 */
export function createApiTemporalClient(options: { connection: ConnectionLike; namespace: string; payloadCodec: PayloadCodec; metrics: ApiMetrics }): Client {
  return new Client({
    connection: options.connection,
    namespace: options.namespace,
    dataConverter: custodianDataConverter(options.payloadCodec),
    interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor(), new WorkflowStartCounter(options.metrics)] },
  });
}
