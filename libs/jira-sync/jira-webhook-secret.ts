import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The secret in a Jira webhook's URL (/v1/jira/webhooks/<tenantId>.<secret>): 32 random bytes, of which only
 * the SHA-256 is stored, so a database reader cannot forge deliveries; compared in constant time.
 */
export function newJiraWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function jiraWebhookSecretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function jiraWebhookSecretMatches(secret: string, storedHash: Uint8Array): boolean {
  const given = jiraWebhookSecretHash(secret);
  return storedHash.length === given.length && timingSafeEqual(given, Buffer.from(storedHash));
}

/** The path segment Jira is given: the tenant (to find the stored hash under RLS) and the secret. */
export function jiraWebhookToken(tenantId: string, secret: string): string {
  return `${tenantId}.${secret}`;
}

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/i;

export function parseJiraWebhookToken(token: string): { tenantId: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { tenantId: match[1].toLowerCase(), secret: match[2] } : undefined;
}
