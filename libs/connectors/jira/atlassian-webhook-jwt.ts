import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../../crypto/secret';

export type WebhookJwtVerdict = { valid: true; claims: Record<string, unknown> } | { valid: false; reason: string };

/** Clock skew tolerated on `exp`. */
const LEEWAY_SECONDS = 60;

/**
 * Checks the bearer JWT Jira sends with a dynamic webhook delivery to an OAuth 2.0 app: HS256 over the app's
 * client secret (no other algorithm is accepted, `none` least of all) and, when present, an `exp` not past.
 * Atlassian documents the signature but not the claims, so no claim beyond `exp` is required. This adds to the
 * unguessable per-integration secret in the webhook URL; it does not replace it.
 */
export function verifyAtlassianWebhookJwt(authorization: string | undefined, clientSecret: Secret, now: number = Date.now()): WebhookJwtVerdict {
  const token = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
  if (!token) return { valid: false, reason: 'no bearer JWT' };
  const [, header, payload, signature] = token;
  const alg = (parse(header) as { alg?: unknown } | undefined)?.alg;
  if (alg !== 'HS256') return { valid: false, reason: `algorithm ${String(alg)} is not accepted` };
  const expected = createHmac('sha256', clientSecret.reveal()).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'bad signature' };
  const claims = parse(payload);
  if (typeof claims !== 'object' || claims === null) return { valid: false, reason: 'unreadable claims' };
  const exp = (claims as { exp?: unknown }).exp;
  if (typeof exp === 'number' && exp + LEEWAY_SECONDS < now / 1000) return { valid: false, reason: 'expired' };
  return { valid: true, claims: claims as Record<string, unknown> };
}

function parse(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
