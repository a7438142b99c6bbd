import type { Payload, PayloadCodec } from '@temporalio/common';
import { DecryptionFailedError } from '../crypto/decryption-failed-error';
import { REFUSAL_REASON_METADATA, REFUSED_PAYLOAD_ENCODING } from './payload-converter';

const encoder = new TextEncoder();

/**
 * The worker's codec: the encryption codec, except that a payload it refuses (DecryptionFailedError: not
 * encrypted, or not under our key) is replaced by an empty `binary/refused` payload instead of failing the
 * whole activation. The payload converter reads it as a mark and the refused-payload interceptors answer
 * for that one message: a forged start fails before the workflow function runs, a forged Update is
 * rejected before it is accepted, a forged signal is dropped, a forged query fails, and the workflow
 * carries on. Other errors (a KMS outage) still fail the activation, to be retried.
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
