import { ConfigError } from './config-error';

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
    redirectUri: httpUrl(env, 'GOOGLE_OAUTH_REDIRECT_URI') ?? `${apiBaseUrl}/v1/integrations/google/callback`,
    apiRootUrl: withSlash(httpUrl(env, 'GOOGLE_API_ROOT_URL')),
    oauthBaseUrl: httpUrl(env, 'GOOGLE_OAUTH_BASE_URL')?.replace(/\/+$/, ''),
  };
}

function httpUrl(env: Env, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name} must be an http(s) URL`);
  return value;
}

function withSlash(url: string | undefined): string | undefined {
  return url === undefined || url.endsWith('/') ? url : `${url}/`;
}
