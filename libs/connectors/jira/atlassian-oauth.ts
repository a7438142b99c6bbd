import { Secret } from '../../crypto/secret';
import type { TokenSet } from '../credential-store';
import { atlassianOAuthError, JiraConnectorError } from './jira-errors';
import { jiraHttpFailureOfResponse } from './jira-http-failure';
import { JIRA_SCOPES } from './jira-scopes';

export interface AtlassianOAuthOptions {
  clientId: string;
  clientSecret: Secret;
  redirectUri: string;
  /** https://auth.atlassian.com (consent and token endpoint), or the simulator. */
  authBaseUrl: string;
  /** https://api.atlassian.com (accessible resources and the /ex/jira/{cloudId} REST base), or the simulator. */
  apiBaseUrl: string;
}

/** A Jira Cloud site the grant reaches, from accessible-resources. */
export interface AtlassianSite {
  cloudId: string;
  url: string;
  name: string;
  scopes: string[];
}

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Atlassian's OAuth 2.0 (3LO) for Jira, done by Custodian itself (never by jira.js, whose refresher would
 * bypass the configured hosts): the consent URL (audience api.atlassian.com, prompt=consent, exactly
 * JIRA_SCOPES), the code exchange, the refresh — Atlassian rotates the refresh token on every refresh, so the
 * returned set carries the new one and the caller must store it before using the access token — and the
 * accessible resources (cloudId and URL of each site the grant reaches). A grant whose scopes differ from
 * JIRA_SCOPES is refused. Token calls are never retried here: the caller's retry policy decides.
 */
export class AtlassianOAuth {
  constructor(private readonly options: AtlassianOAuthOptions) {}

  /** Where to send the admin; `state` (the caller's CSRF / correlation value) comes back on the redirect. */
  consentUrl(state: string): string {
    const url = new URL(`${this.options.authBaseUrl}/authorize`);
    url.searchParams.set('audience', 'api.atlassian.com');
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('scope', JIRA_SCOPES.join(' '));
    url.searchParams.set('redirect_uri', this.options.redirectUri);
    url.searchParams.set('state', state);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('prompt', 'consent');
    return url.toString();
  }

  /** The REST base of one site, as jira.js's `host` takes it. */
  siteApiBase(cloudId: string): string {
    return `${this.options.apiBaseUrl}/ex/jira/${encodeURIComponent(cloudId)}`;
  }

  /** The authorization code from the consent redirect, exchanged for a token set with exactly JIRA_SCOPES. */
  async exchangeCode(code: string): Promise<TokenSet> {
    const granted = await this.tokenRequest('code exchange', { grant_type: 'authorization_code', code, redirect_uri: this.options.redirectUri }, [code]);
    if (!granted.refresh_token) throw new JiraConnectorError('JiraReconsentRequired', 'code exchange: Atlassian granted no refresh token (offline_access); connect again', false);
    return tokenSetOf('code exchange', granted, granted.refresh_token);
  }

  /** A new token set for a stored refresh token: a new access token and the rotated refresh token. */
  async refresh(refreshToken: Secret): Promise<TokenSet> {
    const granted = await this.tokenRequest('token refresh', { grant_type: 'refresh_token', refresh_token: refreshToken.reveal() }, [refreshToken.reveal()]);
    return tokenSetOf('token refresh', granted, granted.refresh_token ?? refreshToken.reveal());
  }

  async accessibleResources(accessToken: Secret): Promise<AtlassianSite[]> {
    const response = await this.send('accessible resources', `${this.options.apiBaseUrl}/oauth/token/accessible-resources`, { headers: { authorization: `Bearer ${accessToken.reveal()}`, accept: 'application/json' } }, [accessToken.reveal()]);
    const sites = response as { id?: unknown; url?: unknown; name?: unknown; scopes?: unknown }[];
    if (!Array.isArray(sites)) throw new JiraConnectorError('JiraInvalidRequest', 'accessible resources: Atlassian answered something other than a list of sites', false);
    return sites
      .filter((site) => typeof site.id === 'string' && typeof site.url === 'string')
      .map((site) => ({ cloudId: site.id as string, url: site.url as string, name: typeof site.name === 'string' ? site.name : (site.url as string), scopes: Array.isArray(site.scopes) ? site.scopes.map(String) : [] }));
  }

  private async tokenRequest(operation: string, body: Record<string, string>, secrets: string[]): Promise<{ access_token?: string; refresh_token?: string; expires_in?: number; scope?: string }> {
    const { clientId, clientSecret } = this.options;
    return (await this.send(
      operation,
      `${this.options.authBaseUrl}/oauth/token`,
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ ...body, client_id: clientId, client_secret: clientSecret.reveal() }) },
      [...secrets, clientSecret.reveal()],
    )) as { access_token?: string; refresh_token?: string; expires_in?: number; scope?: string };
  }

  private async send(operation: string, url: string, init: RequestInit, secrets: string[]): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw atlassianOAuthError(operation, { errorMessages: [], errors: {}, networkError: (error as Error).name }, secrets);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) throw atlassianOAuthError(operation, jiraHttpFailureOfResponse(response.status, body, response.headers), secrets);
    return body;
  }
}

/** Refuses a grant that is broader than JIRA_SCOPES or lacks one of them. */
function scopeRefusal(operation: string, granted: string | undefined): JiraConnectorError | undefined {
  const scopes = (granted ?? '').split(' ').filter(Boolean);
  const wanted: readonly string[] = JIRA_SCOPES;
  const extra = scopes.filter((scope) => !wanted.includes(scope));
  const missing = wanted.filter((scope) => !scopes.includes(scope));
  if (extra.length === 0 && missing.length === 0) return undefined;
  const problems = [extra.length ? `not requested: ${extra.join(' ')}` : '', missing.length ? `missing: ${missing.join(' ')}` : ''].filter(Boolean);
  return new JiraConnectorError('JiraScopesRefused', `${operation}: the grant's scopes differ from Custodian's (${problems.join('; ')})`, false);
}

function tokenSetOf(operation: string, granted: { access_token?: string; expires_in?: number; scope?: string }, refreshToken: string): TokenSet {
  const refusal = scopeRefusal(operation, granted.scope);
  if (refusal) throw refusal;
  if (!granted.access_token) throw new JiraConnectorError('JiraInvalidRequest', `${operation}: Atlassian answered without an access token`, false);
  return {
    accessToken: new Secret(granted.access_token),
    refreshToken: new Secret(refreshToken),
    // No lifetime from Atlassian would be odd; "expired now" makes the next use refresh instead of guessing.
    expiresAt: new Date(Date.now() + (granted.expires_in ?? 0) * 1000),
    scopes: [...JIRA_SCOPES],
  };
}
