/**
 * Every way a Google call can fail, as a stable `type` (the error's name, so an activity failure carries it
 * and a retry policy can list it in nonRetryableErrorTypes) and a `retryable` verdict:
 *
 *   GoogleUserNotFound        404                                                     not retryable
 *   GooglePermissionDenied    403 forbidden / insufficientPermissions / notAuthorized  not retryable
 *   GoogleRateLimited         429, 403 userRateLimitExceeded / rateLimitExceeded /     retryable, retryAfterMs
 *                             quotaExceeded                                            from Retry-After
 *   GoogleUnavailable         5xx, connection failures and timeouts                   retryable
 *   GoogleInvalidRequest      400 and any other 4xx                                   not retryable
 *   GoogleUnauthorized        401 on a second attempt: the connector already retried  not retryable
 *                             once with a refreshed token, so the grant itself is bad
 *   GoogleReconsentRequired   token endpoint invalid_grant (revoked / expired grant)   not retryable
 *   GoogleScopesRefused       a grant with scopes outside GOOGLE_SCOPES or missing one not retryable
 *
 * Messages never carry tokens, passwords or client secrets: the callers pass the secrets of the call and
 * they are cut out of anything Google echoed, and the underlying HTTP error (whose config holds the
 * Authorization header) is never attached as a cause.
 */
export type GoogleErrorType =
  | 'GoogleUserNotFound'
  | 'GooglePermissionDenied'
  | 'GoogleRateLimited'
  | 'GoogleUnavailable'
  | 'GoogleInvalidRequest'
  | 'GoogleUnauthorized'
  | 'GoogleReconsentRequired'
  | 'GoogleScopesRefused';

export class GoogleConnectorError extends Error {
  constructor(
    readonly type: GoogleErrorType,
    message: string,
    readonly retryable: boolean,
    /** The HTTP status Google answered with; absent when no answer arrived. */
    readonly status?: number,
    /** How long Google asked us to wait (Retry-After), for the activity's next attempt. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = type;
  }
}

/** What a failed HTTP exchange with Google said, read from the client's error. */
export interface GoogleHttpFailure {
  status?: number;
  /** Directory: error.errors[0].reason; token endpoint: the OAuth `error` code. */
  reason?: string;
  /** Google's human-readable message (error.message or error_description). */
  message?: string;
  retryAfter?: string;
}

const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded']);

/** A failed Admin SDK Directory call, mapped by status and Google's error reason. */
export function googleApiError(operation: string, failure: GoogleHttpFailure, secrets: readonly string[]): GoogleConnectorError {
  const { status, reason } = failure;
  const said = describe(failure, secrets);
  if (status === undefined) return new GoogleConnectorError('GoogleUnavailable', `${operation}: Google could not be reached${said}`, true);
  if (status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))) {
    return new GoogleConnectorError('GoogleRateLimited', `${operation}: rate limited by Google${said}`, true, status, retryAfterMs(failure.retryAfter));
  }
  if (status === 404) return new GoogleConnectorError('GoogleUserNotFound', `${operation}: not found${said}`, false, status);
  if (status === 403) return new GoogleConnectorError('GooglePermissionDenied', `${operation}: permission denied${said}`, false, status);
  if (status === 401) return new GoogleConnectorError('GoogleUnauthorized', `${operation}: Google refused a freshly refreshed access token${said}`, false, status);
  if (status >= 500) return new GoogleConnectorError('GoogleUnavailable', `${operation}: Google is unavailable${said}`, true, status, retryAfterMs(failure.retryAfter));
  return new GoogleConnectorError('GoogleInvalidRequest', `${operation}: Google refused the request${said}`, false, status);
}

/** A failed call to Google's OAuth token or revoke endpoint. */
export function googleTokenEndpointError(operation: string, failure: GoogleHttpFailure, secrets: readonly string[]): GoogleConnectorError {
  const { status, reason } = failure;
  const said = describe(failure, secrets);
  if (reason === 'invalid_grant') {
    return new GoogleConnectorError('GoogleReconsentRequired', `${operation}: Google no longer honours this grant, a Workspace admin must consent again${said}`, false, status);
  }
  if (status === undefined) return new GoogleConnectorError('GoogleUnavailable', `${operation}: Google could not be reached${said}`, true);
  if (status === 429) return new GoogleConnectorError('GoogleRateLimited', `${operation}: rate limited by Google${said}`, true, status, retryAfterMs(failure.retryAfter));
  if (status >= 500) return new GoogleConnectorError('GoogleUnavailable', `${operation}: Google is unavailable${said}`, true, status, retryAfterMs(failure.retryAfter));
  return new GoogleConnectorError('GoogleInvalidRequest', `${operation}: Google refused the request${said}`, false, status);
}

/** " (403 forbidden: Not Authorized to access this resource/api)", with the call's secrets cut out. */
function describe(failure: GoogleHttpFailure, secrets: readonly string[]): string {
  const parts = [failure.status, failure.reason].filter((part) => part !== undefined).join(' ');
  let text = failure.message ? `${parts}: ${failure.message.slice(0, 300)}` : parts;
  for (const secret of secrets) if (secret) text = text.split(secret).join('[redacted]');
  return text ? ` (${text})` : '';
}

/** Retry-After is either delta-seconds or an HTTP date. */
function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
