import type { Payload, PayloadCodec } from '@temporalio/common';
import { DecryptionFailedError } from '../crypto/decryption-failed-error';

/** The encoding of a payload the worker refused; no payload converter reads it. */
export const REFUSED_PAYLOAD_ENCODING = 'binary/refused';
/** Why it was refused (a DecryptionFailedError reason), for whoever reads the history. */
export const REFUSAL_REASON_METADATA = 'refusal-reason';

const encoder = new TextEncoder();

/**
 * The worker's codec: the encryption codec, except that a payload it refuses (DecryptionFailedError: not
 * encrypted, or not under our key) is replaced by an empty `binary/refused` payload instead of failing the
 * whole activation. The workflow's payload converter then throws where the SDK can answer for that one
 * message: a forged Update is rejected before it is accepted (and leaves no trace in the history), a forged
 * query fails, a signal nobody handles stays unread, and the workflow carries on. A start whose input is
 * refused never reaches the workflow function: its workflow tasks fail until someone terminates it, so no
 * activity ever runs. Other errors (a KMS outage) still fail the activation, to be retried.
 */
export class WorkerPayloadCodec implements PayloadCodec {
  constructor(private readonly encryption: PayloadCodec) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    return this.encryption.encode(payloads);
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decodeOne(payload)));
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    try {
      const [decoded] = await this.encryption.decode([payload]);
      return decoded!;
    } catch (error) {
      if (!(error instanceof DecryptionFailedError)) throw error;
      return { metadata: { encoding: encoder.encode(REFUSED_PAYLOAD_ENCODING), [REFUSAL_REASON_METADATA]: encoder.encode(error.reason) }, data: new Uint8Array() };
    }
  }
}
