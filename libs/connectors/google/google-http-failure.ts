import type { GoogleHttpFailure } from './google-errors';

interface GaxiosLikeError {
  config: unknown;
  response?: { status?: number; headers?: unknown; data?: unknown };
}

/**
 * Reads what Google answered out of a gaxios error (googleapis and google-auth-library each bundle their
 * own gaxios, so this goes by shape, not class). Undefined for anything that is not an HTTP exchange
 * failure, i.e. a programming error that should surface as it is.
 */
export function googleHttpFailureOf(error: unknown): GoogleHttpFailure | undefined {
  if (typeof error !== 'object' || error === null || !('config' in error)) return undefined;
  const response = (error as GaxiosLikeError).response;
  if (!response?.status) return {};
  const data = parseBody(response.data);
  return {
    status: response.status,
    reason: apiReason(data) ?? oauthField(data, 'error'),
    message: apiMessage(data) ?? oauthField(data, 'error_description'),
    retryAfter: headerOf(response.headers, 'retry-after'),
  };
}

/** A response header from either a fetch Headers object or a plain record. */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** Google's API error envelope: { error: { code, message, errors: [{ domain, reason, message }], status } }. */
function apiError(data: unknown): { message?: unknown; errors?: { reason?: unknown }[] } | undefined {
  const error = (data as { error?: unknown } | undefined)?.error;
  return typeof error === 'object' && error !== null ? error : undefined;
}

function apiReason(data: unknown): string | undefined {
  const reason = apiError(data)?.errors?.[0]?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

function apiMessage(data: unknown): string | undefined {
  const message = apiError(data)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** The OAuth token endpoint's envelope: { error: "invalid_grant", error_description: "..." }. */
function oauthField(data: unknown, field: 'error' | 'error_description'): string | undefined {
  const value = (data as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value : undefined;
}
