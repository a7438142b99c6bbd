import { SECRET_FIELD_NAMES } from '../crypto/log-redaction';
import { redactSecretsInText } from '../crypto/secret-text-redaction';

const SECRET_KEYS = new Set<string>([...SECRET_FIELD_NAMES, 'authorization', 'cookie', 'set-cookie', 'x-api-key', 'idempotency-key', 'proxy-authorization'].map((name) => name.toLowerCase()));
const MAX_DEPTH = 12;

/**
 * An error report as the logs would show it: fields named like credentials (the logs' redaction list) are
 * censored at any depth, and secrets inside any text (messages, stack frames, extra data) are redacted.
 */
export function scrubErrorReport<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactSecretsInText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any report we send: dropped rather than sent unscrubbed.
  if (depth > MAX_DEPTH) return '[too deep]' as T;
  if (Array.isArray(value)) return value.map((item) => scrubErrorReport(item, depth + 1)) as T;
  const scrubbed: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    scrubbed[key] = SECRET_KEYS.has(key.toLowerCase()) ? '[redacted]' : scrubErrorReport(field, depth + 1);
  }
  return scrubbed as T;
}
