import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Atlassian signs each dynamic-webhook delivery to an OAuth 2.0 app with a JWT (HS256, the app's client
 * secret) in the Authorization header. Checked when present: a wrong signature, another site (iss) or an
 * expired token fails the delivery.
 */
export function jiraWebhookSignatureValid(authorization: string, clientSecret: string, expectedCloudId: string | null, now = Date.now()): boolean {
  const match = /^(?:Bearer|JWT)\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization.trim());
  if (!match) return false;
  const [, header, claims, signature] = match;
  const expected = createHmac('sha256', clientSecret).update(`${header}.${claims}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  let parsed: { alg?: unknown; exp?: unknown; iss?: unknown };
  try {
    if ((JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg !== 'HS256') return false;
    parsed = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    return false;
  }
  if (typeof parsed.exp === 'number' && parsed.exp * 1000 < now - 60_000) return false;
  if (expectedCloudId !== null && typeof parsed.iss === 'string' && parsed.iss !== expectedCloudId) return false;
  return true;
}
