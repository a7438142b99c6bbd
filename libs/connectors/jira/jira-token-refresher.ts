import type { Secret } from '../../crypto/secret';
import type { CredentialStore, TokenSet } from '../credential-store';
import { JiraConnectorError } from './jira-errors';
import type { JiraTokenSource } from './jira-token-source';

export const JIRA_TOKEN_REFRESH_ACTOR = 'system:jira-token-refresh';

/** A token with less than this left is refreshed first, so it cannot expire on its way to Jira. */
const REFRESH_MARGIN_MS = 60_000;

export interface JiraTokenRefresherOptions {
  tenantId: string;
  credentials: CredentialStore;
  /** The token endpoint: AtlassianOAuth.refresh. */
  refresh(refreshToken: Secret): Promise<TokenSet>;
  now?: () => number;
}

/**
 * One tenant's Jira access token. Atlassian rotates the refresh token on every refresh and revokes the whole
 * grant when a rotated-out one is used again, so a refresh happens under the credential row's lock in
 * PostgreSQL (one refresher across every worker process, not just this one): whoever gets the lock re-reads
 * the stored set and either finds a token another process already refreshed, or refreshes and commits the new
 * (encrypted) set before handing out its access token. Concurrent callers in this process share one renewal.
 * invalid_grant marks the integration needs_reconsent and fails with JiraReconsentRequired (not retryable).
 */
export class JiraTokenRefresher implements JiraTokenSource {
  private current: TokenSet | undefined;
  private pending: Promise<TokenSet> | undefined;
  private rejected: string | undefined;
  private readonly now: () => number;

  constructor(private readonly options: JiraTokenRefresherOptions) {
    this.now = options.now ?? Date.now;
  }

  async accessToken(): Promise<string> {
    if (this.current && this.usable(this.current)) return this.current.accessToken.reveal();
    this.pending ??= this.renew().finally(() => (this.pending = undefined));
    return (await this.pending).accessToken.reveal();
  }

  invalidate(rejectedAccessToken: string): void {
    if (this.current?.accessToken.reveal() !== rejectedAccessToken) return; // already replaced by a refresh
    this.rejected = rejectedAccessToken;
    this.current = undefined;
  }

  private async renew(): Promise<TokenSet> {
    const { tenantId, credentials } = this.options;
    // Without the lock first: usually another process's refresh (or none needed) is all there is to find.
    const stored = await credentials.load(tenantId, 'jira');
    if (!stored) throw notConnected('Jira is not connected for this tenant; a tenant admin must connect it');
    if (stored.integration.status !== 'active') throw notConnected('Atlassian refused this tenant\'s Jira grant; a tenant admin must connect Jira again');
    if (this.usable(stored.tokens)) return (this.current = stored.tokens);
    let refusedByAtlassian = false;
    try {
      const locked = await credentials.replaceLocked(tenantId, 'jira', JIRA_TOKEN_REFRESH_ACTOR, async ({ integration, tokens }) => {
        if (integration.status !== 'active') throw notConnected('Atlassian refused this tenant\'s Jira grant; a tenant admin must connect Jira again');
        if (this.usable(tokens)) return undefined;
        if (!tokens.refreshToken) throw notConnected('the stored Jira grant has no refresh token; a tenant admin must connect Jira again');
        try {
          return await this.options.refresh(tokens.refreshToken);
        } catch (error) {
          refusedByAtlassian = error instanceof JiraConnectorError && error.type === 'JiraReconsentRequired';
          throw error;
        }
      });
      if (!locked) throw notConnected('Jira is no longer connected for this tenant');
      return (this.current = locked.tokens);
    } catch (error) {
      // After the locking transaction rolled back, so the mark is not undone with it.
      if (refusedByAtlassian) await credentials.markNeedsReconsent(tenantId, 'jira', JIRA_TOKEN_REFRESH_ACTOR);
      throw error;
    }
  }

  private usable(tokens: TokenSet): boolean {
    if (this.rejected !== undefined && tokens.accessToken.reveal() === this.rejected) return false;
    return tokens.expiresAt !== null && tokens.expiresAt.getTime() - this.now() > REFRESH_MARGIN_MS;
  }
}

function notConnected(message: string): JiraConnectorError {
  return new JiraConnectorError('JiraReconsentRequired', message, false);
}
