const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Google's API error envelope, as the Admin SDK sends it. */
export function googleApiErrorBody(code: number, reason: string, message: string) {
  return { error: { code, message, errors: [{ message, domain: 'global', reason }], status: STATUS_NAMES[code] ?? 'UNKNOWN' } };
}

/** The OAuth endpoints' error body (RFC 6749 style), as accounts.google.com / oauth2.googleapis.com send it. */
export function oauthErrorBody(error: string, description: string) {
  return { error, error_description: description };
}
