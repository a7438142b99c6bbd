import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** Where the workflow bundle loads the failure converter from (bundleWorkflowCode's failureConverterPath). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');
/** The payload converter that reads refused payloads as a mark (bundleWorkflowCode's payloadConverterPath). */
export const PAYLOAD_CONVERTER_PATH = require.resolve('./payload-converter');

/**
 * What every workflow bundle of the worker is built with: our converters, the refused-payload guard, and
 * OpenTelemetry's workflow interceptors (the trace goes on from the API's start to the activities; their
 * spans leave through the worker's `exporter` sink, which drops them while tracing is off).
 */
export const WORKFLOW_BUNDLE_OPTIONS = {
  failureConverterPath: FAILURE_CONVERTER_PATH,
  payloadConverterPath: PAYLOAD_CONVERTER_PATH,
  workflowInterceptorModules: [require.resolve('./refused-payload.interceptors'), require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
};

/**
 * The client's and the worker's converter: every payload through the encryption codec, and failure
 * messages and stack traces encoded (and so encrypted) too.
 */
export function custodianDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH, payloadConverterPath: PAYLOAD_CONVERTER_PATH };
}
