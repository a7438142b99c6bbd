import { randomUUID } from 'node:crypto';
import { hashKey, issueOperatorKey, issueTenantKey, parseApiKey } from '../../apps/api/src/auth/api-key-format';

describe('API key format', () => {
  it('issues tenant keys that name their tenant and parse back to it', () => {
    const tenantId = randomUUID();
    const issued = issueTenantKey(tenantId);
    expect(issued.key).toMatch(/^ck_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(issued.key)).toEqual({ kind: 'tenant', tenantId, hash: issued.hash });
  });

  it('stores only a hash, and a prefix too short to use', () => {
    const issued = issueTenantKey(randomUUID());
    expect(Buffer.from(issued.hash).toString('hex')).not.toContain(issued.key);
    expect(Buffer.from(issued.hash)).toEqual(Buffer.from(hashKey(issued.key)));
    // The prefix shows 6 of the secret's 43 characters: enough to recognise a key, far too few to use it.
    expect(issued.prefix).toBe(`${issued.key.slice(0, issued.key.length - 43 + 6)}…`);
  });

  it('issues a different secret every time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => issueOperatorKey().key));
    expect(keys.size).toBe(100);
  });

  it('recognises operator keys', () => {
    const issued = issueOperatorKey();
    expect(parseApiKey(issued.key)).toEqual({ kind: 'operator', hash: issued.hash });
  });

  it.each(['', 'ck_', 'ck_zz_abc', `ck_${'a'.repeat(32)}_short`, 'co_short', 'Bearer x', `ck_${'a'.repeat(32)}_${'b'.repeat(43)} `])(
    'rejects the malformed key %p',
    (key) => expect(parseApiKey(key)).toBeUndefined(),
  );
});
