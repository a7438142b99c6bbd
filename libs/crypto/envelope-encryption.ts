import { randomUUID } from 'node:crypto';
import { DataKeyCache } from './data-key-cache';
import { DataKeyUnwrapper } from './data-key-unwrapper';
import type { CipherContext, EncryptionContext } from './encryption-context';
import { EnvelopeCipher } from './envelope-cipher';
import type { KeyProvider, WrappedDataKey } from './key-provider';

/** One value to decrypt in decryptMany. */
export interface DecryptRequest {
  ciphertext: string | Buffer;
  context: CipherContext;
  dataKey: StoredDataKey;
}

/** A data_keys row: one data key per integration, wrapped by a KEK. */
export interface StoredDataKey extends WrappedDataKey {
  /** UUID; also written into every ciphertext made with this key. */
  id: string;
}

/**
 * Envelope encryption for stored values: data keys come from the KeyProvider and are unwrapped once per
 * cache lifetime, values are sealed by the EnvelopeCipher. The caller persists StoredDataKey rows and the
 * ciphertext strings; readEnvelopeHeader(ciphertext).dekId says which row a ciphertext needs.
 */
export class EnvelopeEncryption {
  private readonly cipher = new EnvelopeCipher();
  private readonly keys: DataKeyUnwrapper;

  constructor(
    private readonly provider: KeyProvider,
    options: { cache?: DataKeyCache } = {},
  ) {
    this.keys = new DataKeyUnwrapper(provider, options.cache ?? new DataKeyCache());
  }

  get cache(): DataKeyCache {
    return this.keys.cache;
  }

  /** A new data key for an integration, wrapped under the active KEK version; store it before using it. */
  async createDataKey(context: EncryptionContext): Promise<StoredDataKey> {
    const generated = await this.provider.generateDataKey(context);
    const dataKey: StoredDataKey = { id: randomUUID(), wrappedKey: generated.wrappedKey, kekId: generated.kekId, kekVersion: generated.kekVersion };
    this.cache.set(dataKey.id, context, generated.plaintextKey);
    generated.plaintextKey.fill(0);
    return dataKey;
  }

  encrypt(plaintext: Buffer | string, context: CipherContext, dataKey: StoredDataKey): Promise<string> {
    return this.keys.withKey(dataKey, context, (key) => this.cipher.encrypt(plaintext, context, { ...dataKey, key }));
  }

  /** The plaintext, or DecryptionFailedError (tampered, truncated, other tenant/integration/purpose, other key). */
  decrypt(ciphertext: string | Buffer, context: CipherContext, dataKey: StoredDataKey): Promise<Buffer> {
    return this.keys.withKey(dataKey, context, (key) => this.cipher.decrypt(ciphertext, context, { id: dataKey.id, key }));
  }

  /**
   * Many values in one call (bulk reads, exports, rotation checks): every missing data key is unwrapped
   * once, concurrently, then all values decrypt synchronously, without a Promise per value. Rejects with
   * the first failure, like Promise.all.
   */
  async decryptMany(requests: readonly DecryptRequest[]): Promise<Buffer[]> {
    const loads = new Map<string, Promise<void>>();
    for (const { dataKey, context } of requests) {
      if (!loads.has(dataKey.id) && !this.cache.get(dataKey.id, context)) loads.set(dataKey.id, this.keys.withKey(dataKey, context, () => undefined));
    }
    await Promise.all(loads.values());
    const plaintexts: Array<Buffer | undefined> = requests.map(({ ciphertext, context, dataKey }) => {
      const key = this.cache.get(dataKey.id, context);
      return key && this.cipher.decrypt(ciphertext, context, { id: dataKey.id, key });
    });
    // Not cached after all (caching off or smaller than the batch, or one id asked for under two contexts).
    for (let i = 0; i < requests.length; i++) {
      if (!plaintexts[i]) plaintexts[i] = await this.decrypt(requests[i].ciphertext, requests[i].context, requests[i].dataKey);
    }
    return plaintexts as Buffer[];
  }

  /** The same data key under another KEK version (default: active); ciphertexts made with it stay valid. */
  async rewrapDataKey(dataKey: StoredDataKey, context: EncryptionContext, toVersion?: string): Promise<StoredDataKey> {
    const rewrapped = await this.provider.rewrapDataKey(dataKey.wrappedKey, context, toVersion);
    return { id: dataKey.id, ...rewrapped };
  }
}
