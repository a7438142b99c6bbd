/** Jira's REST error collection: general messages plus messages per field (a 400 names the field it refuses). */
export function jiraErrorBody(errorMessages: string[], errors: Record<string, string> = {}) {
  return { errorMessages, errors };
}

/** The API gateway's answer to a missing, expired or revoked bearer token. */
export function gatewayUnauthorizedBody() {
  return { code: 401, message: 'Unauthorized' };
}

/** auth.atlassian.com's token endpoint error body (RFC 6749 style). */
export function oauthErrorBody(error: string, description: string) {
  return { error, error_description: description };
}
