import type { EncryptionContext } from './encryption-context';

export interface DataKeyCacheOptions {
  /** Most plaintext data keys held at once; the least recently used goes first. 0 turns caching off. */
  maxEntries?: number;
  /** How long an unwrapped key may be reused before the KMS is asked again. */
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  key: Buffer;
  tenantId: string;
  integrationId: string;
  expiresAt: number;
  lastUsed: number;
}

/**
 * Unwrapped data keys in process memory only (never written anywhere), bounded (LRU) and expiring (TTL).
 * Keyed by data key id and answering only for the context the key was unwrapped with. A data key id names
 * one key for good (rewrapping changes the wrapped bytes, not the key), so entries survive a KEK rotation.
 * Keys it drops are zero-filled, so a key returned by get() is valid only until the caller next yields.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private uses = 0;

  constructor(options: DataKeyCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(dekId: string, context: EncryptionContext): Buffer | undefined {
    const entry = this.entries.get(dekId);
    if (!entry || entry.tenantId !== context.tenantId || entry.integrationId !== context.integrationId) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.drop(dekId, entry);
      return undefined;
    }
    // A use counter instead of re-inserting into the Map: hits stay cheap, eviction (rare) scans.
    entry.lastUsed = ++this.uses;
    return entry.key;
  }

  /** Keeps a copy of `key`; the caller still owns (and should zero-fill) its own buffer. */
  set(dekId: string, context: EncryptionContext, key: Buffer): void {
    if (this.maxEntries <= 0) return;
    const previous = this.entries.get(dekId);
    if (previous) this.drop(dekId, previous);
    while (this.entries.size >= this.maxEntries) this.evictLeastRecentlyUsed();
    this.entries.set(dekId, {
      key: privateCopy(key),
      tenantId: context.tenantId,
      integrationId: context.integrationId,
      expiresAt: this.now() + this.ttlMs,
      lastUsed: ++this.uses,
    });
  }

  /** Zero-fills and forgets one key, whose data_keys row was just destroyed. */
  forget(dekId: string): void {
    const entry = this.entries.get(dekId);
    if (entry) this.drop(dekId, entry);
  }

  /** Zero-fills and forgets every key (e.g. at shutdown). */
  clear(): void {
    for (const [dekId, entry] of this.entries) this.drop(dekId, entry);
  }

  private evictLeastRecentlyUsed(): void {
    let oldestId: string | undefined;
    let oldest: Entry | undefined;
    for (const [dekId, entry] of this.entries) {
      if (!oldest || entry.lastUsed < oldest.lastUsed) [oldestId, oldest] = [dekId, entry];
    }
    if (oldest) this.drop(oldestId!, oldest);
  }

  private drop(dekId: string, entry: Entry): void {
    entry.key.fill(0);
    this.entries.delete(dekId);
  }
}

/** A copy outside Buffer's shared pool, so zero-filling it clears a dedicated allocation. */
function privateCopy(key: Buffer): Buffer {
  const copy = Buffer.alloc(key.length);
  key.copy(copy);
  return copy;
}
