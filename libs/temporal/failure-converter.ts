import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces travel as an (encrypted) payload instead of in clear. Loaded by path
 * into the workflow bundle and by the client and worker (failureConverterPath).
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
