/**
 * Where the Directory connector gets a bearer token for each call, without knowing how tokens are stored
 * or refreshed (GoogleTokenCache is the implementation over the encrypted credential store).
 */
export interface GoogleTokenSource {
  /** A currently valid access token. */
  accessToken(): Promise<string>;
  /** Google answered 401 to this token: stop handing it out, so the next accessToken() refreshes. */
  invalidate(rejectedAccessToken: string): void;
}
