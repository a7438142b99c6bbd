import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** Where the workflow bundle loads the failure converter from (bundleWorkflowCode's failureConverterPath). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The client's and the worker's converter: every payload through the encryption codec, and failure
 * messages and stack traces encoded (and so encrypted) too.
 */
export function custodianDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}
