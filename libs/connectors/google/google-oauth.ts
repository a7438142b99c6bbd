import { OAuth2Client, type Credentials } from 'google-auth-library';
import { Secret } from '../../crypto/secret';
import { GoogleConnectorError, googleTokenEndpointError } from './google-errors';
import { googleHttpFailureOf } from './google-http-failure';
import { GOOGLE_SCOPES } from './google-scopes';
import type { GoogleTokenSet } from './google-token-set';

/** Google's OAuth endpoints, named as google-auth-library names them; the simulator serves all three. */
export interface GoogleOAuthEndpoints {
  oauth2AuthBaseUrl: string;
  oauth2TokenUrl: string;
  oauth2RevokeUrl: string;
}

export interface GoogleOAuthOptions {
  clientId: string;
  clientSecret: Secret;
  redirectUri: string;
  /** Google's own when absent. */
  endpoints?: GoogleOAuthEndpoints;
}

/**
 * The Workspace admin's consent and the token endpoint, through google-auth-library. Offline access with a
 * forced consent screen (so Google always returns a refresh token), exactly GOOGLE_SCOPES, and any grant
 * whose scopes differ from them is refused. Like the Directory calls, token calls are never retried by the
 * HTTP client: the caller's retry policy decides.
 */
export class GoogleOAuth {
  constructor(private readonly options: GoogleOAuthOptions) {}

  /** Where to send the admin; `state` (the caller's CSRF / correlation value) comes back on the redirect. */
  consentUrl(state: string): string {
    // include_granted_scopes stays unset: it would fold scopes granted to this client earlier into the token.
    return this.client().generateAuthUrl({ access_type: 'offline', prompt: 'consent', scope: [...GOOGLE_SCOPES], state });
  }

  /** The authorization code from the consent redirect, exchanged for a token set. */
  async exchangeCode(code: string): Promise<GoogleTokenSet> {
    const client = this.client();
    const credentials = await tokenCall('code exchange', [code, this.options.clientSecret.reveal()], async () => (await client.getToken(code)).tokens);
    if (!credentials.refresh_token) {
      throw new GoogleConnectorError('GoogleReconsentRequired', 'code exchange: Google granted no refresh token (offline access), consent again', false);
    }
    const refusal = scopeRefusal('code exchange', credentials.scope);
    if (refusal) {
      // An over-broad grant must not stay alive at Google just because we declined to store it.
      await this.revoke(new Secret(credentials.refresh_token)).catch(() => undefined);
      throw refusal;
    }
    return tokenSet(credentials, credentials.refresh_token);
  }

  /** A new access token for a stored refresh token; invalid_grant means the admin must consent again. */
  async refresh(refreshToken: Secret): Promise<GoogleTokenSet> {
    const client = this.client();
    const credentials = await tokenCall('token refresh', [refreshToken.reveal(), this.options.clientSecret.reveal()], async () => (await client.refreshWith(refreshToken.reveal())).tokens);
    const refusal = scopeRefusal('token refresh', credentials.scope);
    if (refusal) throw refusal;
    // Google does not rotate refresh tokens as a rule; keep the one we have unless it sent a new one.
    return tokenSet(credentials, credentials.refresh_token ?? refreshToken.reveal());
  }

  /**
   * Revokes the whole grant (an access or a refresh token revokes both). A token Google no longer knows
   * (already revoked or expired) is reported as such rather than thrown: there is nothing left to revoke.
   */
  async revoke(token: Secret): Promise<'revoked' | 'already-invalid'> {
    try {
      await this.client().revokeToken(token.reveal());
      return 'revoked';
    } catch (error) {
      const failure = googleHttpFailureOf(error);
      if (!failure) throw error;
      if (failure.status === 400 && failure.reason === 'invalid_token') return 'already-invalid';
      throw googleTokenEndpointError('token revocation', failure, [token.reveal()]);
    }
  }

  /** Revokes a stored grant through its refresh token (which ends its access tokens too), else its access token. */
  revokeGrant(tokens: { refreshToken: Secret | null; accessToken: Secret }): Promise<'revoked' | 'already-invalid'> {
    return this.revoke(tokens.refreshToken ?? tokens.accessToken);
  }

  /** A client per call: OAuth2Client keeps credentials as instance state, and tenants must not share it. */
  private client(): TokenEndpointClient {
    const { clientId, clientSecret, redirectUri, endpoints } = this.options;
    // Node's fetch rather than node-fetch, which gaxios would load through a dynamic import.
    const client = new TokenEndpointClient({ clientId, clientSecret: clientSecret.reveal(), redirectUri, endpoints, transporterOptions: { fetchImplementation: fetch } });
    // google-auth-library turns retries on for token calls; the activity's retry policy owns them instead.
    client.transporter.interceptors.request.add({
      resolved: async (config) => {
        config.retry = false;
        return config;
      },
    });
    return client;
  }
}

/**
 * OAuth2Client's public refresh (refreshAccessToken) overwrites whatever refresh token Google returns with
 * the one it was given; the protected call returns Google's answer as it is.
 */
class TokenEndpointClient extends OAuth2Client {
  refreshWith(refreshToken: string) {
    return this.refreshTokenNoCache(refreshToken);
  }
}

async function tokenCall<T>(operation: string, secrets: string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const failure = googleHttpFailureOf(error);
    if (!failure) throw error;
    throw googleTokenEndpointError(operation, failure, secrets);
  }
}

/** Refuses a grant that is broader than GOOGLE_SCOPES (or lacks one of them). */
function scopeRefusal(operation: string, granted: string | undefined): GoogleConnectorError | undefined {
  const scopes = (granted ?? '').split(' ').filter(Boolean);
  const wanted: readonly string[] = GOOGLE_SCOPES;
  const extra = scopes.filter((scope) => !wanted.includes(scope));
  const missing = wanted.filter((scope) => !scopes.includes(scope));
  if (extra.length === 0 && missing.length === 0) return undefined;
  const problems = [extra.length ? `not requested: ${extra.join(' ')}` : '', missing.length ? `missing: ${missing.join(' ')}` : ''].filter(Boolean);
  return new GoogleConnectorError('GoogleScopesRefused', `${operation}: the grant's scopes differ from Custodian's (${problems.join('; ')})`, false);
}

function tokenSet(credentials: Credentials, refreshToken: string): GoogleTokenSet {
  if (!credentials.access_token) throw new GoogleConnectorError('GoogleInvalidRequest', 'Google answered without an access token', false);
  return {
    accessToken: new Secret(credentials.access_token),
    refreshToken: new Secret(refreshToken),
    // No expiry from Google would be odd; "expired now" makes the next use refresh instead of guessing.
    expiresAt: new Date(credentials.expiry_date ?? Date.now()),
    scopes: [...GOOGLE_SCOPES],
  };
}
