import {
  ApplicationFailure,
  BinaryPayloadConverter,
  CompositePayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
  type Payload,
  type PayloadConverterWithEncoding,
} from '@temporalio/common';

// Self-contained on purpose: the worker loads this file by path (payloadConverterPath), also under jiti's
// ESM loader in the crash tests, which cannot resolve a relative extensionless import from here.

/** The encoding of a payload the worker's codec refused (not encrypted under our key); see WorkerPayloadCodec. */
export const REFUSED_PAYLOAD_ENCODING = 'binary/refused';
/** Why it was refused (a DecryptionFailedError reason), for whoever reads the history. */
export const REFUSAL_REASON_METADATA = 'refusal-reason';
/** The failure type a workflow, Update or activity result ends with when its payload was refused. */
export const PAYLOAD_REFUSED_FAILURE = 'PayloadRefused';

const REFUSED_MARK = '__custodianRefusedPayload';

/** What a refused payload converts to inside the workflow sandbox: a mark the interceptors look for. */
export interface RefusedPayload {
  readonly [REFUSED_MARK]: string;
}

export function isRefusedPayload(value: unknown): value is RefusedPayload {
  return typeof value === 'object' && value !== null && REFUSED_MARK in value;
}

export function refusedPayloadFailure(where: string, value: RefusedPayload): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `${where} refused: its payload is not encrypted under Custodian's key (${value[REFUSED_MARK]})`,
    PAYLOAD_REFUSED_FAILURE,
  );
}

/**
 * Reads `binary/refused` payloads as a mark instead of throwing, so the refused-payload interceptors can
 * answer for each message: the SDK fails the whole activation when a start's arguments do not convert,
 * which would leave a forged start retrying forever and holding its workflow id. It never writes payloads.
 */
export class RefusedPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType = REFUSED_PAYLOAD_ENCODING;

  toPayload(): Payload | undefined {
    return undefined;
  }

  fromPayload<T>(payload: Payload): T {
    const reason = payload.metadata?.[REFUSAL_REASON_METADATA];
    return { [REFUSED_MARK]: reason ? new TextDecoder().decode(reason) : 'refused' } as T;
  }
}

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
