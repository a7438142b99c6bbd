import { HttpException } from 'jira.js';
import type { JiraHttpFailure } from './jira-errors';

/**
 * Reads what Jira answered out of a jira.js HttpException (body at `.response.data`, headers at
 * `.cause.response.headers`) or a bare axios error when no answer arrived. Undefined for anything that is not
 * an HTTP exchange failure: a programming error should surface as it is.
 */
export function jiraHttpFailureOf(error: unknown): JiraHttpFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  // jira.js also wraps its own failures (a bad parameter, an import that failed) in an HttpException with
  // status 500; only one caused by an HTTP answer is Jira's.
  const headers = answeredHeadersOf(error);
  if (error instanceof HttpException && headers) {
    const response = typeof error.response === 'object' ? (error.response as { data?: unknown }) : undefined;
    return { status: error.status, ...bodyMessages(response?.data), retryAfter: headerOf(headers, 'retry-after'), rateLimitReset: headerOf(headers, 'x-ratelimit-reset'), requestId: headerOf(headers, 'x-arequestid') };
  }
  // No answer at all: jira.js passes the HTTP client's (axios) error through as it is.
  const network = error as { isAxiosError?: boolean; code?: string; message?: string };
  if (network.isAxiosError === true) return { errorMessages: [], errors: {}, networkError: network.code ?? network.message ?? 'no answer' };
  return undefined;
}

/** The headers of the answer behind a jira.js HttpException; undefined when no answer arrived. */
export function answeredHeadersOf(error: unknown): unknown {
  return error instanceof HttpException ? (error.cause as { response?: { headers?: unknown } } | undefined)?.response?.headers : undefined;
}

/** A failed fetch() to Atlassian's OAuth endpoints: its status, body and headers. */
export function jiraHttpFailureOfResponse(status: number, body: unknown, headers: Headers): JiraHttpFailure {
  return { status, ...bodyMessages(body), retryAfter: headers.get('retry-after') ?? undefined, rateLimitReset: headers.get('x-ratelimit-reset') ?? undefined, requestId: headers.get('x-arequestid') ?? undefined };
}

/** A response header from axios' headers object or a plain record. */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const getter = (headers as { get?: unknown }).get;
  const value = typeof getter === 'function' ? (getter as (key: string) => unknown).call(headers, name) : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function bodyMessages(data: unknown): Pick<JiraHttpFailure, 'errorMessages' | 'errors' | 'oauthError'> {
  const body = (typeof data === 'string' ? parse(data) : data) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return { errorMessages: [], errors: {} };
  const errorMessages = Array.isArray(body.errorMessages) ? body.errorMessages.filter((entry): entry is string => typeof entry === 'string') : [];
  const errors = typeof body.errors === 'object' && body.errors !== null ? Object.fromEntries(Object.entries(body.errors).map(([field, message]) => [field, String(message)])) : {};
  // The OAuth endpoints' { error, error_description } and the API gateway's { code, message }.
  if (typeof body.error_description === 'string') errorMessages.push(body.error_description);
  if (typeof body.message === 'string' && errorMessages.length === 0) errorMessages.push(body.message);
  return { errorMessages, errors, oauthError: typeof body.error === 'string' ? body.error : undefined };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
