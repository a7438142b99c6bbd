import { randomUUID } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { GCM_IV_BYTES, GCM_TAG_BYTES, openAes256Gcm, sealAes256Gcm } from '../crypto/aes-256-gcm';
import { DataKeyCache } from '../crypto/data-key-cache';
import { DataKeyUnwrapper } from '../crypto/data-key-unwrapper';
import { DecryptionFailedError } from '../crypto/decryption-failed-error';
import type { EncryptionContext } from '../crypto/encryption-context';
import type { KeyProvider } from '../crypto/key-provider';

export const ENCRYPTED_PAYLOAD_ENCODING = 'binary/encrypted';
/** "<kekId>#<kekVersion>#<dekId>": which KEK version wrapped the payload's data key, readable in the UI. */
export const ENCRYPTION_KEY_ID_METADATA = 'encryption-key-id';
/** The payload's data key wrapped by the KEK, so any process with KMS access can decode it. */
export const ENCRYPTION_WRAPPED_KEY_METADATA = 'encryption-wrapped-key';
/**
 * How long one data key encrypts new payloads by default. After a KEK rotation, payloads are still encoded
 * under the old version for up to this long (the data key in use was wrapped under it).
 */
export const PAYLOAD_DATA_KEY_LIFETIME_MS = 60 * 60_000;
/** Codec data keys are bound to this context (KMS EncryptionContext), apart from any tenant's keys. */
export const PAYLOAD_CODEC_CONTEXT: EncryptionContext = { tenantId: 'custodian', integrationId: 'temporal-payload-codec' };

export interface PayloadEncryptionCodecOptions {
  keyProvider: KeyProvider;
  /** How long one data key encrypts new payloads; after a KEK rotation new payloads move on within this. */
  dataKeyLifetimeMs?: number;
  /** Unwrapped data keys of payloads decoded; bounded and expiring. */
  cache?: DataKeyCache;
  now?: () => number;
}

interface EncodingKey {
  keyIdText: Buffer;
  wrappedKey: Buffer;
  key: Buffer;
  expiresAt: number;
  uses: number;
}

const encoder = new TextEncoder();
const aadLabel = Buffer.from('custodian/temporal-payload/v1', 'utf8');
/** Far below the 2^32 encryptions per key that random 96-bit IVs allow. */
const maxPayloadsPerKey = 2 ** 30;

/**
 * Encrypts every Temporal payload (workflow inputs and results, signals, queries, updates, activity
 * arguments) with AES-256-GCM before it leaves the process; for the client's and the worker's data
 * converter (`dataConverter: { payloadCodecs: [codec] }`), which run codecs outside the workflow sandbox.
 *
 * Each payload carries its data key wrapped by the KeyProvider (metadata `encryption-wrapped-key`) and
 * `encryption-key-id`, so payloads written before a KEK rotation still decode while that KEK version is
 * not retired: keys:rotate --retire waits until the namespace's retention period has passed since the last
 * payload encoded under it (libs/crypto/kek-retirement.ts). Data = IV (12) | ciphertext | tag (16) of the protobuf-encoded original
 * payload; the AAD binds the key id.
 *
 * Decoding refuses (DecryptionFailedError `not_encrypted`) every payload that is not `binary/encrypted`:
 * anyone who can reach the Temporal frontend can start a workflow or send an Update, so only a payload that
 * authenticates under our KEK proves the command came from the API or the worker. Our own traffic is always
 * encrypted: the SDK passes every payload (empty ones, memos, schedule arguments, failure attributes) through
 * encode; search attributes and headers do not go through codecs in either direction.
 */
export class PayloadEncryptionCodec implements PayloadCodec {
  private readonly provider: KeyProvider;
  private readonly keys: DataKeyUnwrapper;
  private readonly dataKeyLifetimeMs: number;
  private readonly now: () => number;
  private encodingKey?: Promise<EncodingKey>;

  constructor(options: PayloadEncryptionCodecOptions) {
    this.provider = options.keyProvider;
    this.now = options.now ?? Date.now;
    this.dataKeyLifetimeMs = options.dataKeyLifetimeMs ?? PAYLOAD_DATA_KEY_LIFETIME_MS;
    this.keys = new DataKeyUnwrapper(options.keyProvider, options.cache ?? new DataKeyCache({ maxEntries: 100, ttlMs: this.dataKeyLifetimeMs }));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    const key = await this.currentKey(payloads.length);
    return payloads.map((payload) => {
      const sealed = sealAes256Gcm(key.key, Buffer.from(temporal.api.common.v1.Payload.encode(payload).finish()), [aadLabel, key.keyIdText]);
      return {
        metadata: {
          encoding: encoder.encode(ENCRYPTED_PAYLOAD_ENCODING),
          [ENCRYPTION_KEY_ID_METADATA]: key.keyIdText,
          [ENCRYPTION_WRAPPED_KEY_METADATA]: key.wrappedKey,
        },
        data: Buffer.concat([sealed.iv, sealed.ciphertext, sealed.tag]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decodeOne(payload)));
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    const metadata = payload.metadata ?? {};
    const encoding = metadata.encoding ? Buffer.from(metadata.encoding).toString('utf8') : '';
    if (encoding !== ENCRYPTED_PAYLOAD_ENCODING) {
      throw new DecryptionFailedError('not_encrypted', `a payload in "${encoding || 'no encoding'}" is refused: only ${ENCRYPTED_PAYLOAD_ENCODING} under Custodian's key is accepted`);
    }
    const keyIdBytes = metadata[ENCRYPTION_KEY_ID_METADATA];
    const wrappedKey = metadata[ENCRYPTION_WRAPPED_KEY_METADATA];
    const data = payload.data;
    if (!keyIdBytes || !wrappedKey || !data || data.length < GCM_IV_BYTES + GCM_TAG_BYTES) {
      throw new DecryptionFailedError('malformed', 'encrypted payload without its key id, wrapped key or data');
    }
    const keyIdText = Buffer.from(keyIdBytes);
    const keyId = keyIdText.toString('utf8');
    const bytes = Buffer.from(data);
    const plaintext = await this.keys.withKey({ id: keyId, wrappedKey: Buffer.from(wrappedKey) }, PAYLOAD_CODEC_CONTEXT, (key) =>
      openAes256Gcm(
        key,
        bytes.subarray(0, GCM_IV_BYTES),
        bytes.subarray(bytes.length - GCM_TAG_BYTES),
        bytes.subarray(GCM_IV_BYTES, bytes.length - GCM_TAG_BYTES),
        [aadLabel, keyIdText],
      ),
    );
    if (!plaintext) throw new DecryptionFailedError('authentication_failed', `payload does not verify under key ${keyId}`);
    try {
      return temporal.api.common.v1.Payload.decode(plaintext);
    } catch (error) {
      throw new DecryptionFailedError('malformed', 'decrypted payload is not a Temporal payload', { cause: error });
    }
  }

  /** The data key new payloads are encrypted with, replaced once expired or used enough. */
  private async currentKey(count: number): Promise<EncodingKey> {
    let pending = this.encodingKey;
    if (pending) {
      const key = await pending;
      if (key.expiresAt > this.now() && key.uses + count <= maxPayloadsPerKey) {
        key.uses += count;
        return key;
      }
      // Another call may have replaced it while this one waited.
      if (this.encodingKey !== pending) return this.currentKey(count);
    }
    pending = this.newEncodingKey();
    this.encodingKey = pending;
    // A failed KMS call must not stick: the next encode tries again.
    pending.catch(() => {
      if (this.encodingKey === pending) this.encodingKey = undefined;
    });
    const key = await pending;
    key.uses += count;
    return key;
  }

  /** Kept unzeroed when replaced: a concurrent encode may still be using it; the GC reclaims it. */
  private async newEncodingKey(): Promise<EncodingKey> {
    const generated = await this.provider.generateDataKey(PAYLOAD_CODEC_CONTEXT);
    const keyId = `${generated.kekId}#${generated.kekVersion}#${randomUUID()}`;
    // Decoding in this process then needs no KMS call either.
    this.keys.cache.set(keyId, PAYLOAD_CODEC_CONTEXT, generated.plaintextKey);
    const keyIdText = Buffer.from(keyId, 'utf8');
    return { keyIdText, wrappedKey: generated.wrappedKey, key: generated.plaintextKey, expiresAt: this.now() + this.dataKeyLifetimeMs, uses: 0 };
  }
}
