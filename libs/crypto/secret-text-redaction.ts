import { SECRET_FIELD_NAMES } from './log-redaction';

const REDACTED = '[redacted]';
const fieldAlternation = SECRET_FIELD_NAMES.join('|');

/**
 * Secrets as they appear inside free text (an error message, a stack, a URL), where the logs' field-name
 * redaction cannot reach. Each pattern keeps what says what the secret was, so a report stays readable.
 */
const SECRET_TEXT_PATTERNS: readonly [RegExp, string][] = [
  // accessToken=..., "refresh_token": "...", password: ... (the logs' secret field names, as text); first, so
  // the value goes whole whatever its form.
  [new RegExp(`((?:${fieldAlternation})["']?\\s*[:=]\\s*["']?)[^\\s"',;&})\\]]+`, 'gi'), `$1${REDACTED}`],
  // Our API keys (ck_<tenant>_<secret>) and operator keys in an Authorization header or anywhere else.
  [/\b(ck_[0-9a-f]{32}_)[A-Za-z0-9_-]{20,}/g, `$1${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // Google OAuth access and refresh tokens, and any JWT (Atlassian's tokens, ID tokens).
  [/\bya29\.[A-Za-z0-9._-]+/g, `ya29.${REDACTED}`],
  [/(^|[^A-Za-z0-9])1\/\/[A-Za-z0-9._-]{10,}/g, `$11//${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Passwords inside URLs (a database URL in a driver's message).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+:)[^@/?#\s]+@/gi, `$1${REDACTED}@`],
];

export function redactSecretsInText(text: string): string {
  return SECRET_TEXT_PATTERNS.reduce((scrubbed, [pattern, replacement]) => scrubbed.replace(pattern, replacement), text);
}
