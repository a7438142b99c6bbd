import { AES_256_KEY_BYTES, openAes256Gcm, sealAes256Gcm } from './aes-256-gcm';
import { DecryptionFailedError } from './decryption-failed-error';
import { assertEncryptionContext, cipherContextAad, type CipherContext } from './encryption-context';
import { dekIdMatches, envelopeHeader, serializeEnvelope, splitEnvelope } from './envelope-format';

/** A plaintext data key with what identifies it; the key is borrowed, never kept. */
export interface DataKeyMaterial {
  /** data_keys.id (UUID) */
  id: string;
  kekId: string;
  kekVersion: string;
  key: Buffer;
}

/** Distinct (tenant, integration, purpose) AAD encodings kept; they are few and not secret. */
const maxRememberedContexts = 10_000;

/**
 * AES-256-GCM over one value with a data key, in the envelope format of envelope-format.ts. The AAD binds
 * the header and the tenant, integration and purpose, so a ciphertext moved to another row does not decrypt.
 */
export class EnvelopeCipher {
  /** Encoding the context costs about as much as a tenth of a decrypt, and contexts repeat: reuse them. */
  private readonly contextAads = new Map<string, Map<string, Map<string, Buffer>>>();
  private rememberedContexts = 0;

  encrypt(plaintext: Buffer | string, context: CipherContext, dataKey: DataKeyMaterial): string {
    assertKey(dataKey.key);
    const header = envelopeHeader(dataKey.kekId, dataKey.kekVersion, dataKey.id);
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const sealed = sealAes256Gcm(dataKey.key, data, [header, this.contextAad(context)]);
    return serializeEnvelope(header, sealed.iv, sealed.tag, sealed.ciphertext);
  }

  /** The plaintext of base64url text or raw envelope bytes, or DecryptionFailedError: never partial or unauthenticated bytes. */
  decrypt(ciphertext: string | Buffer, context: CipherContext, dataKey: Pick<DataKeyMaterial, 'id' | 'key'>): Buffer {
    assertKey(dataKey.key);
    const aad = this.contextAad(context);
    const envelope = splitEnvelope(ciphertext);
    if (!dekIdMatches(envelope, dataKey.id)) throw new DecryptionFailedError('key_mismatch', 'the ciphertext was written with another data key');
    const plaintext = openAes256Gcm(dataKey.key, envelope.iv, envelope.tag, envelope.ciphertext, [envelope.header, aad]);
    if (!plaintext) throw new DecryptionFailedError('authentication_failed', 'altered, or not for this tenant, integration and purpose');
    return plaintext;
  }

  /** Looked up by tenant, then integration, then purpose: Map lookups on the caller's strings, nothing built. */
  private contextAad(context: CipherContext): Buffer {
    const { tenantId, integrationId, purpose } = context;
    const aad = this.contextAads.get(tenantId)?.get(integrationId)?.get(purpose);
    if (aad) return aad;
    assertCipherContext(context);
    if (this.rememberedContexts >= maxRememberedContexts) {
      this.contextAads.clear();
      this.rememberedContexts = 0;
    }
    const byIntegration = getOrAdd(this.contextAads, tenantId, () => new Map<string, Map<string, Buffer>>());
    const byPurpose = getOrAdd(byIntegration, integrationId, () => new Map<string, Buffer>());
    const encoded = cipherContextAad(context);
    byPurpose.set(purpose, encoded);
    this.rememberedContexts++;
    return encoded;
  }
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}

function assertCipherContext(context: CipherContext): void {
  assertEncryptionContext(context);
  if (typeof context.purpose !== 'string' || context.purpose.length === 0) throw new TypeError('cipher context purpose must be a non-empty string');
}

function assertKey(key: Buffer): void {
  if (key.length !== AES_256_KEY_BYTES) throw new TypeError(`a data key is ${AES_256_KEY_BYTES} bytes`);
}
