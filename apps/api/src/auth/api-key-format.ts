import { createHash, randomBytes } from 'node:crypto';

/**
 * Tenant keys name their tenant (ck_<tenant uuid hex>_<secret>) so authentication can set the tenant
 * context first and find the key under row-level security, with no cross-tenant lookup. Operator keys
 * are co_<secret>. Only SHA-256 of the whole key is stored: the secret has 256 bits of entropy, so a
 * slow password hash would add nothing.
 */
const TENANT_KEY = /^ck_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
const OPERATOR_KEY = /^co_([A-Za-z0-9_-]{43})$/;

/** Bytes as Prisma stores them. */
export type KeyHash = Uint8Array<ArrayBuffer>;

export type ParsedApiKey = { kind: 'tenant'; tenantId: string; hash: KeyHash } | { kind: 'operator'; hash: KeyHash };

export interface IssuedKey {
  /** Shown once to the caller; never stored. */
  key: string;
  hash: KeyHash;
  /** Safe to show in listings: enough to recognise a key, useless to use it. */
  prefix: string;
}

export function issueTenantKey(tenantId: string): IssuedKey {
  return issue(`ck_${tenantId.replace(/-/g, '')}_`);
}

export function issueOperatorKey(): IssuedKey {
  return issue('co_');
}

export function parseApiKey(key: string): ParsedApiKey | undefined {
  const tenant = TENANT_KEY.exec(key);
  if (tenant) {
    const hex = tenant[1]!;
    const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { kind: 'tenant', tenantId, hash: hashKey(key) };
  }
  if (OPERATOR_KEY.test(key)) return { kind: 'operator', hash: hashKey(key) };
  return undefined;
}

export function hashKey(key: string): KeyHash {
  return new Uint8Array(createHash('sha256').update(key, 'utf8').digest());
}

function issue(prefix: string): IssuedKey {
  const key = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashKey(key), prefix: `${key.slice(0, prefix.length + 6)}…` };
}
