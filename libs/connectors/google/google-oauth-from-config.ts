import type { GoogleConfig } from '../../config/google-config';
import { Secret } from '../../crypto/secret';
import { GoogleOAuth } from './google-oauth';

/** Google's own OAuth endpoints unless GOOGLE_OAUTH_BASE_URL points at another server (the simulator). */
export function googleOAuthFromConfig(config: GoogleConfig | null): GoogleOAuth | null {
  if (!config) return null;
  const base = config.oauthBaseUrl;
  return new GoogleOAuth({
    clientId: config.clientId,
    clientSecret: new Secret(config.clientSecret),
    redirectUri: config.redirectUri,
    endpoints: base ? { oauth2AuthBaseUrl: `${base}/o/oauth2/v2/auth`, oauth2TokenUrl: `${base}/token`, oauth2RevokeUrl: `${base}/revoke` } : undefined,
  });
}
