import { randomBytes } from 'node:crypto';
import { DataKeyCache } from '../../../libs/crypto/data-key-cache';

const context = { tenantId: 't1', integrationId: 'i1' };

describe('DataKeyCache', () => {
  it('answers only for the same data key id and context, with its own copy of the key', () => {
    const cache = new DataKeyCache();
    const key = randomBytes(32);
    cache.set('k1', context, key);
    const expected = Buffer.from(key);
    key.fill(0);
    expect(cache.get('k1', context)?.equals(expected)).toBe(true);
    expect(cache.get('k1', { ...context, tenantId: 't2' })).toBeUndefined();
    expect(cache.get('k1', { ...context, integrationId: 'i2' })).toBeUndefined();
    expect(cache.get('k2', context)).toBeUndefined();
  });

  it('expires entries after the TTL and zero-fills them', () => {
    let now = 1_000;
    const cache = new DataKeyCache({ ttlMs: 100, now: () => now });
    cache.set('k1', context, randomBytes(32));
    const held = cache.get('k1', context)!;
    now += 99;
    expect(cache.get('k1', context)).toBe(held);
    now += 1;
    expect(cache.get('k1', context)).toBeUndefined();
    expect(held.equals(Buffer.alloc(32))).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, evicting (and zero-filling) the least recently used', () => {
    const cache = new DataKeyCache({ maxEntries: 2 });
    cache.set('a', context, randomBytes(32));
    cache.set('b', context, randomBytes(32));
    const a = cache.get('a', context)!;
    const b = cache.get('b', context)!;
    cache.get('a', context);
    cache.set('c', context, randomBytes(32));
    expect(cache.size).toBe(2);
    expect(cache.get('b', context)).toBeUndefined();
    expect(b.equals(Buffer.alloc(32))).toBe(true);
    expect(cache.get('a', context)).toBe(a);
    expect(a.equals(Buffer.alloc(32))).toBe(false);
    expect(cache.get('c', context)).toBeDefined();
  });

  it('replaces (and zero-fills) the entry when a key is set again under the same id', () => {
    const cache = new DataKeyCache();
    cache.set('a', context, randomBytes(32));
    const first = cache.get('a', context)!;
    cache.set('a', context, randomBytes(32));
    expect(first.equals(Buffer.alloc(32))).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('caches nothing with maxEntries 0, and clear() zero-fills everything', () => {
    const off = new DataKeyCache({ maxEntries: 0 });
    off.set('k', context, randomBytes(32));
    expect(off.get('k', context)).toBeUndefined();

    const cache = new DataKeyCache();
    cache.set('k', context, randomBytes(32));
    const held = cache.get('k', context)!;
    cache.clear();
    expect(cache.size).toBe(0);
    expect(held.equals(Buffer.alloc(32))).toBe(true);
  });
});
