/**
 * Where the Jira connector gets a bearer token for each call, without knowing how tokens are stored or
 * refreshed (JiraTokenRefresher over the encrypted credential store is the implementation).
 */
export interface JiraTokenSource {
  /** A currently valid access token. */
  accessToken(): Promise<string>;
  /** Jira answered 401 to this token: stop handing it out, so the next accessToken() refreshes. */
  invalidate(rejectedAccessToken: string): void;
}
