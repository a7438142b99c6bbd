import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** Where the workflow bundle loads the failure converter from (bundleWorkflowCode's failureConverterPath). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');
/** The payload converter that reads refused payloads as a mark (bundleWorkflowCode's payloadConverterPath). */
export const PAYLOAD_CONVERTER_PATH = require.resolve('./payload-converter');

/** What every workflow bundle of the worker is built with: our converters and the refused-payload guard. */
export const WORKFLOW_BUNDLE_OPTIONS = {
  failureConverterPath: FAILURE_CONVERTER_PATH,
  payloadConverterPath: PAYLOAD_CONVERTER_PATH,
  workflowInterceptorModules: [require.resolve('./refused-payload.interceptors')],
};

/**
 * The client's and the worker's converter: every payload through the encryption codec, and failure
 * messages and stack traces encoded (and so encrypted) too.
 */
export function custodianDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH, payloadConverterPath: PAYLOAD_CONVERTER_PATH };
}
