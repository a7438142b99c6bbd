import { ConfigError } from './config-error';
import { httpUrlSetting } from './http-url-setting';

type Env = Record<string, string | undefined>;

/** Custodian's Google OAuth client and, for the simulator, where Google's endpoints are. */
export interface GoogleConfig {
  clientId: string;
  clientSecret: string;
  /** Where Google sends the admin back after consent: this API's /v1/integrations/google/callback. */
  redirectUri: string;
  /** The Admin SDK's root URL for googleapis (https://admin.googleapis.com/ when unset). */
  apiRootUrl: string | undefined;
  /** One base for the consent, token and revoke endpoints (Google's own when unset). */
  oauthBaseUrl: string | undefined;
}

/**
 * Google is optional: without GOOGLE_CLIENT_ID the product runs and the Google operations answer that no
 * Google integration is configured. With it, the secret is required and every URL must parse.
 */
export function loadGoogleConfig(env: Env, apiBaseUrl: string): GoogleConfig | null {
  const clientId = env.GOOGLE_CLIENT_ID;
  if (!clientId) return null;
  const clientSecret = env.GOOGLE_CLIENT_SECRET;
  if (!clientSecret) throw new ConfigError('GOOGLE_CLIENT_SECRET is not set (GOOGLE_CLIENT_ID is)');
  return {
    clientId,
    clientSecret,
    redirectUri: httpUrlSetting(env, 'GOOGLE_OAUTH_REDIRECT_URI') ?? `${apiBaseUrl}/v1/integrations/google/callback`,
    apiRootUrl: withSlash(httpUrlSetting(env, 'GOOGLE_API_ROOT_URL')),
    oauthBaseUrl: httpUrlSetting(env, 'GOOGLE_OAUTH_BASE_URL')?.replace(/\/+$/, ''),
  };
}

function withSlash(url: string | undefined): string | undefined {
  return url === undefined || url.endsWith('/') ? url : `${url}/`;
}
