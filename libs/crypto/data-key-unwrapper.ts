import { DataKeyCache } from './data-key-cache';
import type { EncryptionContext } from './encryption-context';
import type { KeyProvider } from './key-provider';

/** Which wrapped data key to use: its id and the wrapped bytes (a data_keys row, or payload metadata). */
export interface WrappedDataKeyRef {
  id: string;
  wrappedKey: Buffer;
}

/**
 * Plaintext data keys on demand: from the cache when it holds them, else one KMS unwrap per key, shared
 * by all callers that miss together. Keys are lent to a synchronous callback only, because the cache
 * zero-fills what it evicts and an await could let that happen mid-use.
 */
export class DataKeyUnwrapper {
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    private readonly provider: KeyProvider,
    readonly cache: DataKeyCache,
  ) {}

  /** Not an async function: a cache hit then costs one settled promise and no extra ticks. */
  withKey<T>(dataKey: WrappedDataKeyRef, context: EncryptionContext, use: (key: Buffer) => T): Promise<T> {
    const cached = this.cache.get(dataKey.id, context);
    if (!cached) return this.withUnwrappedKey(dataKey, context, use);
    try {
      return Promise.resolve(use(cached));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async withUnwrappedKey<T>(dataKey: WrappedDataKeyRef, context: EncryptionContext, use: (key: Buffer) => T): Promise<T> {
    const inFlight = this.loading.get(dataKey.id);
    // Another caller's unwrap of this key may fail for reasons of its own (other context): then unwrap below.
    if (inFlight) await inFlight.catch(() => undefined);
    else await this.load(dataKey, context);
    const loaded = this.cache.get(dataKey.id, context);
    if (loaded) return use(loaded);
    // Caching is off, the entry was evicted before this call resumed, or the shared unwrap was not for us.
    const key = await this.provider.unwrapDataKey(dataKey.wrappedKey, context);
    try {
      return use(key);
    } finally {
      key.fill(0);
    }
  }

  private load(dataKey: WrappedDataKeyRef, context: EncryptionContext): Promise<void> {
    const loading = this.provider
      .unwrapDataKey(dataKey.wrappedKey, context)
      .then((key) => {
        this.cache.set(dataKey.id, context, key);
        key.fill(0);
      })
      .finally(() => this.loading.delete(dataKey.id));
    this.loading.set(dataKey.id, loading);
    return loading;
  }
}
