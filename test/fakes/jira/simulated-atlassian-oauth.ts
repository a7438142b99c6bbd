import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { gatewayUnauthorizedBody, oauthErrorBody } from './jira-error-bodies';
import { sendJson, type JiraExchange } from './jira-exchange';
import type { SimulatedClock } from './simulated-clock';

export const AUTHORIZE_PATH = '/authorize';
export const TOKEN_PATH = '/oauth/token';
export const ACCESSIBLE_RESOURCES_PATH = '/oauth/token/accessible-resources';

export interface SimulatedAtlassianClient {
  clientId: string;
  clientSecret: string;
  /** Allowed callback URLs; any when absent. */
  redirectUris?: string[];
}

/** How the simulated admin answers the consent screen. */
export interface SimulatedAtlassianConsent {
  /** The consenting user's Atlassian account: the app acts as this account, so writes carry its accountId. */
  accountId: string;
  /** What is granted; the requested scopes when absent (set others to simulate a different grant). */
  grantedScopes?: string[];
  /** The sites (cloudIds) the grant reaches; every site of the simulator when absent. */
  cloudIds?: string[];
  /** The admin clicks "Cancel": Atlassian redirects back with error=access_denied. */
  decline?: boolean;
}

/** One consent: every token issued under it dies when the grant is revoked (e.g. by a stale refresh token). */
export interface SimulatedAtlassianGrant {
  id: number;
  accountId: string;
  scopes: string[];
  cloudIds: string[];
  revoked: boolean;
  /** Refreshes Atlassian answered for this grant. */
  refreshes: number;
}

export interface IssuedAtlassianTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scopes: string[];
}

interface RefreshTokenRecord {
  grant: SimulatedAtlassianGrant;
  /** When a refresh rotated this token out; null while it is the grant's current one. */
  supersededAt: number | null;
}

/**
 * auth.atlassian.com and api.atlassian.com's OAuth side of 3LO: the consent redirect, the token endpoint
 * (authorization_code and refresh_token grants, JSON or form bodies, client authentication, single-use codes)
 * with rotating refresh tokens — every refresh returns a new one and retires the old; a retired one used
 * again after the leeway revokes the whole grant, and that and any later refresh answer 403 invalid_grant —
 * access tokens that expire, and the accessible resources (sites) a token reaches.
 */
export class SimulatedAtlassianOAuth {
  private readonly codes = new Map<string, { grant: SimulatedAtlassianGrant; redirectUri: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, { grant: SimulatedAtlassianGrant; expiresAt: number }>();
  private nextGrantId = 1;
  readonly grants: SimulatedAtlassianGrant[] = [];

  constructor(
    private readonly client: SimulatedAtlassianClient,
    private consent: SimulatedAtlassianConsent,
    private readonly sites: () => { cloudId: string; url: string; name: string }[],
    private readonly clock: SimulatedClock,
    private readonly settings: { accessTokenLifetimeSeconds: number; reuseLeewayMs: number },
  ) {}

  setConsent(consent: SimulatedAtlassianConsent): void {
    this.consent = consent;
  }

  /** Refreshes answered across every grant. */
  get refreshCount(): number {
    return this.grants.reduce((sum, grant) => sum + grant.refreshes, 0);
  }

  issueTokens(options: { accountId: string; scopes: string[]; cloudIds?: string[]; expiresInSeconds?: number }): IssuedAtlassianTokens {
    const grant = this.newGrant(options.accountId, options.scopes, options.cloudIds);
    const { accessToken, expiresAt } = this.newAccessToken(grant, options.expiresInSeconds);
    return { accessToken, refreshToken: this.newRefreshToken(grant), expiresAt: new Date(expiresAt), scopes: [...grant.scopes] };
  }

  /** Atlassian stops accepting this access token before its expiry (a 401 from then on). */
  expireAccessToken(accessToken: string): void {
    const record = this.accessTokens.get(accessToken);
    if (record) record.expiresAt = 0;
  }

  /** The live grant behind a bearer access token, or undefined when the gateway would answer 401. */
  grantForBearer(authorization: string | string[] | undefined): SimulatedAtlassianGrant | undefined {
    const token = /^Bearer (.+)$/.exec(typeof authorization === 'string' ? authorization : '')?.[1];
    const record = token ? this.accessTokens.get(token) : undefined;
    if (!record || record.grant.revoked || record.expiresAt <= this.clock.now()) return undefined;
    return record.grant;
  }

  /** Serves the OAuth paths; false for any other path. */
  handle(exchange: JiraExchange, response: ServerResponse): boolean {
    if (exchange.path === AUTHORIZE_PATH) this.authorize(exchange, response);
    else if (exchange.path === TOKEN_PATH) this.token(exchange, response);
    else if (exchange.path === ACCESSIBLE_RESOURCES_PATH) this.accessibleResources(exchange, response);
    else return false;
    return true;
  }

  private authorize(exchange: JiraExchange, response: ServerResponse): void {
    const query = exchange.query;
    const redirectUri = query.get('redirect_uri') ?? '';
    const requested = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (query.get('client_id') !== this.client.clientId) return sendJson(response, 400, oauthErrorBody('invalid_request', 'Invalid client_id'));
    if (!redirectUri || (this.client.redirectUris && !this.client.redirectUris.includes(redirectUri))) {
      return sendJson(response, 400, oauthErrorBody('invalid_request', 'The redirect_uri does not match a callback URL of the app'));
    }
    if (query.get('audience') !== 'api.atlassian.com') return sendJson(response, 400, oauthErrorBody('invalid_request', 'audience must be api.atlassian.com'));
    if (query.get('response_type') !== 'code' || requested.length === 0) return sendJson(response, 400, oauthErrorBody('invalid_request', 'scope and response_type=code are required'));
    const back = new URL(redirectUri);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    if (this.consent.decline) {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied the consent');
    } else {
      const grant = this.newGrant(this.consent.accountId, this.consent.grantedScopes ?? requested, this.consent.cloudIds);
      const code = randomBytes(24).toString('base64url');
      this.codes.set(code, { grant, redirectUri, expiresAt: this.clock.now() + 10 * 60_000 });
      back.searchParams.set('code', code);
    }
    response.statusCode = 302;
    response.setHeader('location', back.toString());
    response.end();
  }

  private token(exchange: JiraExchange, response: ServerResponse): void {
    if (exchange.method !== 'POST') return sendJson(response, 405, oauthErrorBody('invalid_request', 'POST only'));
    const form = exchange.body ?? {};
    if (form.client_id !== this.client.clientId || form.client_secret !== this.client.clientSecret) {
      return sendJson(response, 401, oauthErrorBody('access_denied', 'Unauthorized'));
    }
    if (form.grant_type === 'authorization_code') {
      const pending = this.codes.get(String(form.code));
      this.codes.delete(String(form.code));
      if (!pending || pending.expiresAt < this.clock.now() || pending.redirectUri !== form.redirect_uri) {
        return sendJson(response, 403, oauthErrorBody('invalid_grant', 'Invalid authorization code'));
      }
      return this.sendTokens(response, pending.grant);
    }
    if (form.grant_type === 'refresh_token') {
      const record = this.refreshTokens.get(String(form.refresh_token));
      if (!record || record.grant.revoked) return sendJson(response, 403, oauthErrorBody('invalid_grant', 'Unknown or invalid refresh token.'));
      if (record.supersededAt !== null && this.clock.now() - record.supersededAt > this.settings.reuseLeewayMs) {
        // Reuse of a rotated-out token: Atlassian treats it as stolen and ends the whole grant.
        record.grant.revoked = true;
        return sendJson(response, 403, oauthErrorBody('invalid_grant', 'Unknown or invalid refresh token.'));
      }
      record.supersededAt ??= this.clock.now();
      record.grant.refreshes += 1;
      return this.sendTokens(response, record.grant);
    }
    sendJson(response, 400, oauthErrorBody('unsupported_grant_type', `Unsupported grant type: ${String(form.grant_type)}`));
  }

  private sendTokens(response: ServerResponse, grant: SimulatedAtlassianGrant): void {
    const { accessToken, expiresAt } = this.newAccessToken(grant);
    sendJson(response, 200, {
      access_token: accessToken,
      expires_in: Math.round((expiresAt - this.clock.now()) / 1000),
      token_type: 'Bearer',
      ...(grant.scopes.includes('offline_access') ? { refresh_token: this.newRefreshToken(grant) } : {}),
      scope: grant.scopes.join(' '),
    });
  }

  private accessibleResources(exchange: JiraExchange, response: ServerResponse): void {
    const grant = this.grantForBearer(exchange.headers.authorization);
    if (!grant) return sendJson(response, 401, gatewayUnauthorizedBody());
    const scopes = grant.scopes.filter((scope) => scope !== 'offline_access');
    sendJson(
      response,
      200,
      this.sites()
        .filter((site) => grant.cloudIds.includes(site.cloudId))
        .map((site) => ({ id: site.cloudId, url: site.url, name: site.name, scopes, avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png' })),
    );
  }

  private newGrant(accountId: string, scopes: string[], cloudIds?: string[]): SimulatedAtlassianGrant {
    const grant = { id: this.nextGrantId++, accountId, scopes: [...scopes], cloudIds: cloudIds ?? this.sites().map((site) => site.cloudId), revoked: false, refreshes: 0 };
    this.grants.push(grant);
    return grant;
  }

  private newRefreshToken(grant: SimulatedAtlassianGrant): string {
    const token = `rt.${randomBytes(32).toString('base64url')}`;
    this.refreshTokens.set(token, { grant, supersededAt: null });
    return token;
  }

  private newAccessToken(grant: SimulatedAtlassianGrant, lifetimeSeconds = this.settings.accessTokenLifetimeSeconds): { accessToken: string; expiresAt: number } {
    const accessToken = `at.${randomBytes(48).toString('base64url')}`;
    const expiresAt = this.clock.now() + lifetimeSeconds * 1000;
    this.accessTokens.set(accessToken, { grant, expiresAt });
    return { accessToken, expiresAt };
  }
}
