import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { oauthErrorBody } from './google-error-bodies';
import { sendJson, type HttpExchange } from './http-exchange';

export const CONSENT_PATH = '/o/oauth2/v2/auth';
export const TOKEN_PATH = '/token';
export const REVOKE_PATH = '/revoke';

export interface SimulatedOAuthClient {
  clientId: string;
  clientSecret: string;
  /** Allowed redirect URIs; any when absent. */
  redirectUris?: string[];
}

/** How the simulated Workspace admin answers the consent screen. */
export interface SimulatedConsent {
  /** The Workspace domain the admin belongs to: the grant reaches this domain's users. */
  domain: string;
  /** What the admin grants; the requested scopes when absent (set more to simulate an over-broad grant). */
  grantedScopes?: string[];
}

/** A token set the simulator issued directly, for tests and the demo. */
export interface IssuedGoogleTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scopes: string[];
}

/** One admin's consent to one client: every token issued under it dies when it is revoked. */
export interface SimulatedGrant {
  domain: string;
  scopes: string[];
  revoked: boolean;
}

interface PendingCode {
  grant: SimulatedGrant;
  redirectUri: string;
  offline: boolean;
  expiresAt: number;
}

/**
 * Google's OAuth side: a consent endpoint that answers at once as the configured admin (redirecting back
 * with a code and the state), the token endpoint (authorization_code and refresh_token grants, client
 * authentication, single-use codes, invalid_grant for revoked or unknown refresh tokens) and revocation.
 */
export class SimulatedGoogleOAuth {
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, SimulatedGrant>();
  private readonly accessTokens = new Map<string, { grant: SimulatedGrant; expiresAt: number }>();

  constructor(
    private readonly client: SimulatedOAuthClient,
    private consent: SimulatedConsent,
    private readonly accessTokenLifetimeSeconds: number,
  ) {}

  setConsent(consent: SimulatedConsent): void {
    this.consent = consent;
  }

  issueTokensFor(domain: string, options: { scopes: string[]; expiresInSeconds?: number }): IssuedGoogleTokens {
    const grant: SimulatedGrant = { domain, scopes: [...options.scopes], revoked: false };
    const refreshToken = this.newRefreshToken(grant);
    const { accessToken, expiresAt } = this.newAccessToken(grant, options.expiresInSeconds);
    return { accessToken, refreshToken, expiresAt: new Date(expiresAt), scopes: [...grant.scopes] };
  }

  /** Google stops accepting this access token (as after a password change or an admin's revocation). */
  expireAccessToken(accessToken: string): void {
    const record = this.accessTokens.get(accessToken);
    if (record) record.expiresAt = 0;
  }

  /** The live grant behind a bearer access token, or undefined when Google would answer 401. */
  grantForBearer(authorization: string | undefined): SimulatedGrant | undefined {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const record = token ? this.accessTokens.get(token) : undefined;
    if (!record || record.grant.revoked || record.expiresAt <= Date.now()) return undefined;
    return record.grant;
  }

  /** Serves the OAuth paths; false for any other path. */
  handle(exchange: HttpExchange, response: ServerResponse): boolean {
    if (exchange.path === CONSENT_PATH) this.consentScreen(exchange, response);
    else if (exchange.path === TOKEN_PATH) this.token(exchange, response);
    else if (exchange.path === REVOKE_PATH) this.revoke(exchange, response);
    else return false;
    return true;
  }

  private consentScreen(exchange: HttpExchange, response: ServerResponse): void {
    const query = exchange.query;
    const redirectUri = query.get('redirect_uri') ?? '';
    const requested = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (query.get('client_id') !== this.client.clientId) return sendJson(response, 401, oauthErrorBody('invalid_client', 'The OAuth client was not found.'));
    if (!redirectUri || (this.client.redirectUris && !this.client.redirectUris.includes(redirectUri))) {
      return sendJson(response, 400, oauthErrorBody('redirect_uri_mismatch', 'The redirect URI in the request does not match the ones authorized for the OAuth client.'));
    }
    if (query.get('response_type') !== 'code' || requested.length === 0) return sendJson(response, 400, oauthErrorBody('invalid_request', 'Missing required parameter: scope or response_type=code'));
    const grant: SimulatedGrant = { domain: this.consent.domain, scopes: this.consent.grantedScopes ?? requested, revoked: false };
    const code = `4/0A${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { grant, redirectUri, offline: query.get('access_type') === 'offline', expiresAt: Date.now() + 10 * 60_000 });
    const back = new URL(redirectUri);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    back.searchParams.set('code', code);
    back.searchParams.set('scope', grant.scopes.join(' '));
    response.statusCode = 302;
    response.setHeader('location', back.toString());
    response.end();
  }

  private token(exchange: HttpExchange, response: ServerResponse): void {
    if (exchange.method !== 'POST') return sendJson(response, 405, oauthErrorBody('invalid_request', 'POST only'));
    const form = exchange.body ?? {};
    if (!this.clientAuthenticated(exchange, form)) return sendJson(response, 401, oauthErrorBody('invalid_client', 'Unauthorized'));
    if (form.grant_type === 'authorization_code') {
      const pending = this.codes.get(String(form.code));
      this.codes.delete(String(form.code));
      if (!pending || pending.expiresAt < Date.now() || pending.redirectUri !== form.redirect_uri) return sendJson(response, 400, oauthErrorBody('invalid_grant', 'Bad Request'));
      const { accessToken, expiresAt } = this.newAccessToken(pending.grant);
      return sendJson(response, 200, {
        access_token: accessToken,
        expires_in: Math.round((expiresAt - Date.now()) / 1000),
        ...(pending.offline ? { refresh_token: this.newRefreshToken(pending.grant) } : {}),
        scope: pending.grant.scopes.join(' '),
        token_type: 'Bearer',
      });
    }
    if (form.grant_type === 'refresh_token') {
      const grant = this.refreshTokens.get(String(form.refresh_token));
      if (!grant || grant.revoked) return sendJson(response, 400, oauthErrorBody('invalid_grant', 'Token has been expired or revoked.'));
      const { accessToken, expiresAt } = this.newAccessToken(grant);
      return sendJson(response, 200, { access_token: accessToken, expires_in: Math.round((expiresAt - Date.now()) / 1000), scope: grant.scopes.join(' '), token_type: 'Bearer' });
    }
    sendJson(response, 400, oauthErrorBody('unsupported_grant_type', `Invalid grant_type: ${String(form.grant_type)}`));
  }

  /** Revoking either token of a grant revokes the grant, as Google does. */
  private revoke(exchange: HttpExchange, response: ServerResponse): void {
    if (exchange.method !== 'POST') return sendJson(response, 405, oauthErrorBody('invalid_request', 'POST only'));
    const token = exchange.query.get('token') ?? String(exchange.body?.token ?? '');
    const grant = this.refreshTokens.get(token) ?? this.accessTokens.get(token)?.grant;
    if (!grant || grant.revoked) return sendJson(response, 400, oauthErrorBody('invalid_token', 'Token expired or revoked'));
    grant.revoked = true;
    sendJson(response, 200, {});
  }

  private clientAuthenticated(exchange: HttpExchange, form: Record<string, unknown>): boolean {
    const basic = /^Basic (.+)$/.exec(exchange.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [form.client_id, form.client_secret];
    return id === this.client.clientId && secret === this.client.clientSecret;
  }

  private newRefreshToken(grant: SimulatedGrant): string {
    const token = `1//0g${randomBytes(32).toString('base64url')}`;
    this.refreshTokens.set(token, grant);
    return token;
  }

  private newAccessToken(grant: SimulatedGrant, lifetimeSeconds = this.accessTokenLifetimeSeconds): { accessToken: string; expiresAt: number } {
    const accessToken = `ya29.a0${randomBytes(48).toString('base64url')}`;
    const expiresAt = Date.now() + lifetimeSeconds * 1000;
    this.accessTokens.set(accessToken, { grant, expiresAt });
    return { accessToken, expiresAt };
  }
}
