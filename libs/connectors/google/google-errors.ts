/**
 * Google's answers mapped on purpose. `type` is stable, for Temporal's nonRetryableErrorTypes; `retryable`
 * says whether trying again later can help. Messages never carry tokens or passwords.
 */
export class GoogleApiError extends Error {
  constructor(
    readonly type: 'GoogleUserNotFound' | 'GooglePermissionDenied' | 'GoogleRateLimited' | 'GoogleUnavailable' | 'GoogleInvalidRequest' | 'GoogleUnauthorized',
    message: string,
    readonly retryable: boolean,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = type;
  }
}

const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded']);

/** The error a Directory call failed with, from its HTTP status, Google's error reason and Retry-After. */
export function mapGoogleError(status: number, reason: string | undefined, retryAfter: string | undefined, what: string): GoogleApiError {
  if (status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))) {
    return new GoogleApiError('GoogleRateLimited', `Google rate limit on ${what}`, true, status, retryAfterMs(retryAfter));
  }
  if (status === 404) return new GoogleApiError('GoogleUserNotFound', `${what}: user not found`, false, status);
  if (status === 403) return new GoogleApiError('GooglePermissionDenied', `${what}: permission denied (${reason ?? 'forbidden'})`, false, status);
  if (status === 401) return new GoogleApiError('GoogleUnauthorized', `${what}: access token rejected`, true, status);
  if (status >= 500) return new GoogleApiError('GoogleUnavailable', `${what}: Google answered ${status}`, true, status, retryAfterMs(retryAfter));
  return new GoogleApiError('GoogleInvalidRequest', `${what}: Google refused the request (${status} ${reason ?? ''})`.trim(), false, status);
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
