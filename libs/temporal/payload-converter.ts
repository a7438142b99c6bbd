import { BinaryPayloadConverter, CompositePayloadConverter, JsonPayloadConverter, UndefinedPayloadConverter } from '@temporalio/common';
import { RefusedPayloadConverter } from './refused-payload';

/**
 * The SDK's default converters plus one that reads payloads the worker refused. Loaded by path into the
 * workflow bundle and by the client and worker (payloadConverterPath).
 */
export const payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new JsonPayloadConverter(),
  new RefusedPayloadConverter(),
);
