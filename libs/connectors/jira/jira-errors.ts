/**
 * Every way a Jira or Atlassian OAuth call can fail, as a stable `type` (the error's name, so an activity
 * failure carries it and a retry policy can list it) and a `retryable` verdict:
 *
 *   JiraNotFound             404                                                      not retryable
 *   JiraPermissionDenied     403 (no project permission, XSRF check)                  not retryable
 *   JiraInvalidRequest       400 and any other 4xx; carries errorMessages and errors   not retryable
 *   JiraRateLimited          429                                                      retryable, retryAfterMs from
 *                                                                                     Retry-After or X-RateLimit-Reset
 *   JiraUnavailable          5xx, connection failures and timeouts                    retryable (Retry-After honoured)
 *   JiraUnauthorized         401 again after one refresh and one retry                not retryable
 *   JiraReconsentRequired    invalid_grant at the token endpoint, or not connected    not retryable
 *   JiraScopesRefused        a grant whose scopes differ from JIRA_SCOPES              not retryable
 *
 * Messages never carry tokens or the client secret (the callers' secrets are cut out of anything echoed) and
 * the HTTP client's error, whose config holds the Authorization header, is never attached as a cause.
 */
export type JiraErrorType =
  | 'JiraNotFound'
  | 'JiraPermissionDenied'
  | 'JiraInvalidRequest'
  | 'JiraRateLimited'
  | 'JiraUnavailable'
  | 'JiraUnauthorized'
  | 'JiraReconsentRequired'
  | 'JiraScopesRefused';

export class JiraConnectorError extends Error {
  constructor(
    readonly type: JiraErrorType,
    message: string,
    readonly retryable: boolean,
    readonly details: {
      /** The HTTP status Jira answered with; absent when no answer arrived. */
      status?: number;
      /** How long Jira asked us to wait, for the activity's next attempt. */
      retryAfterMs?: number;
      /** Jira's request id (x-arequestid), for the audit trail. */
      requestId?: string | null;
      /** Jira's error collection on a 400: general messages and messages per field. */
      errorMessages?: string[];
      errors?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = type;
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  get requestId(): string | null {
    return this.details.requestId ?? null;
  }
}

/** What a failed HTTP exchange with Jira or Atlassian's OAuth endpoints said. */
export interface JiraHttpFailure {
  status?: number;
  /** Jira's error collection (REST) or the OAuth `error` / `error_description` / gateway `message`. */
  errorMessages: string[];
  errors: Record<string, string>;
  oauthError?: string;
  retryAfter?: string;
  rateLimitReset?: string;
  requestId?: string;
  /** The client's own reason when no answer arrived (ECONNRESET, timeout). */
  networkError?: string;
}

/** A failed Jira REST call, mapped by status. */
export function jiraApiError(operation: string, failure: JiraHttpFailure, secrets: readonly string[], now: number = Date.now()): JiraConnectorError {
  const { status } = failure;
  const said = describe(failure, secrets);
  const base = { status, requestId: failure.requestId ?? null };
  if (status === undefined) return new JiraConnectorError('JiraUnavailable', `${operation}: Jira could not be reached${said}`, true, base);
  if (status === 429) return new JiraConnectorError('JiraRateLimited', `${operation}: rate limited by Jira${said}`, true, { ...base, retryAfterMs: retryAfterMs(failure, now) });
  if (status >= 500) return new JiraConnectorError('JiraUnavailable', `${operation}: Jira is unavailable${said}`, true, { ...base, retryAfterMs: retryAfterMs(failure, now) });
  if (status === 404) return new JiraConnectorError('JiraNotFound', `${operation}: not found${said}`, false, base);
  if (status === 403) return new JiraConnectorError('JiraPermissionDenied', `${operation}: permission denied${said}`, false, base);
  if (status === 401) return new JiraConnectorError('JiraUnauthorized', `${operation}: Jira refused a freshly refreshed access token${said}`, false, base);
  return new JiraConnectorError('JiraInvalidRequest', `${operation}: Jira refused the request${said}`, false, { ...base, errorMessages: failure.errorMessages, errors: failure.errors });
}

/** A failed call to auth.atlassian.com's token endpoint or api.atlassian.com's accessible resources. */
export function atlassianOAuthError(operation: string, failure: JiraHttpFailure, secrets: readonly string[], now: number = Date.now()): JiraConnectorError {
  const said = describe(failure, secrets);
  if (failure.oauthError === 'invalid_grant') {
    return new JiraConnectorError('JiraReconsentRequired', `${operation}: Atlassian no longer honours this grant, a Jira admin must connect Jira again${said}`, false, { status: failure.status });
  }
  if (failure.status === undefined || failure.status >= 500 || failure.status === 429) return jiraApiError(operation, failure, secrets, now);
  return new JiraConnectorError('JiraInvalidRequest', `${operation}: Atlassian refused the request${said}`, false, { status: failure.status });
}

/** " (400: Field 'status' cannot be set; status: ...)", with the call's secrets cut out. */
function describe(failure: JiraHttpFailure, secrets: readonly string[]): string {
  const messages = [...failure.errorMessages, ...Object.entries(failure.errors).map(([field, message]) => `${field}: ${message}`)];
  const head = [failure.status ?? failure.networkError, failure.oauthError].filter((part) => part !== undefined).join(' ');
  let text = messages.length ? `${head}: ${messages.join('; ').slice(0, 400)}` : head;
  for (const secret of secrets) if (secret) text = text.split(secret).join('[redacted]');
  return text ? ` (${text})` : '';
}

/** Retry-After (delta-seconds or an HTTP date) first, else X-RateLimit-Reset (an ISO time). */
function retryAfterMs(failure: JiraHttpFailure, now: number): number | undefined {
  const header = failure.retryAfter;
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  if (failure.rateLimitReset) {
    const at = Date.parse(failure.rateLimitReset);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}
