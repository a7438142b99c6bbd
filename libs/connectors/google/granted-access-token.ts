import type { GoogleTokenSet } from './google-token-set';
import type { GoogleTokenSource } from './google-token-source';

/**
 * The access token of a grant made moments ago at consent, before anything is stored: fresh, so there is
 * nothing to refresh, and a 401 for it is Google's final word on that grant.
 */
export function grantedAccessToken(tokens: GoogleTokenSet): GoogleTokenSource {
  return { accessToken: async () => tokens.accessToken.reveal(), invalidate: () => undefined };
}
