import type { CredentialStore, IntegrationView, TokenSet } from '../credential-store';
import type { GoogleDirectoryProvider } from './google-directory-provider';
import { GoogleDirectoryConnector } from './google-directory.connector';
import { GoogleConnectorError } from './google-errors';
import type { GoogleOAuth } from './google-oauth';
import { GoogleTokenCache } from './google-token-cache';
import type { GoogleTokenSet } from './google-token-set';

const SYSTEM_ACTOR = 'system:google-token-refresh';
/**
 * How long a tenant's connection status is trusted without reading it again. A disconnect revokes the grant at
 * Google, so a call in this window is refused by Google itself (and the refresh finds the credential gone).
 */
const STATUS_TTL_MS = 10_000;

/**
 * Every tenant's Google Workspace connection in this process: the token set comes from the encrypted
 * credential store, one in-memory token cache per tenant refreshes it (and stores the refreshed set before
 * use), and a refresh Google refuses with invalid_grant marks the integration as needing re-consent.
 */
export class GoogleWorkspaceConnections implements GoogleDirectoryProvider {
  private readonly caches = new Map<string, GoogleTokenCache>();
  private readonly statuses = new Map<string, { integration: IntegrationView; until: number }>();

  constructor(
    private readonly options: { credentials: CredentialStore; oauth: GoogleOAuth | null; apiRootUrl?: string },
  ) {}

  async directoryFor(tenantId: string): Promise<{ directory: GoogleDirectoryConnector; domain: string }> {
    if (!this.options.oauth) throw notConnected('no Google OAuth client is configured (GOOGLE_CLIENT_ID); Google operations are off');
    // The status, not the tokens: those are read (and decrypted) only when the cached access token is not enough.
    const integration = await this.status(tenantId);
    if (!integration) throw notConnected('Google Workspace is not connected for this tenant; a tenant admin must connect it');
    if (integration.status !== 'active') throw notConnected('Google refused this tenant\'s grant; a tenant admin must connect Google Workspace again');
    const domain = integration.externalAccount;
    let tokens = this.caches.get(tenantId);
    if (!tokens) {
      tokens = this.tokenCache(tenantId, domain);
      this.caches.set(tenantId, tokens);
    }
    return { directory: new GoogleDirectoryConnector({ tokens, rootUrl: this.options.apiRootUrl }), domain };
  }

  /** Forgets a tenant's cached access token and status (after a disconnect or a new consent). */
  forget(tenantId: string): void {
    this.caches.delete(tenantId);
    this.statuses.delete(tenantId);
  }

  private async status(tenantId: string): Promise<IntegrationView | undefined> {
    const cached = this.statuses.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.integration;
    const integration = await this.options.credentials.view(tenantId, 'google');
    // Only "connected" is remembered: a tenant that just connected must not be told it is not.
    if (integration?.status === 'active') this.statuses.set(tenantId, { integration, until: Date.now() + STATUS_TTL_MS });
    else this.statuses.delete(tenantId);
    return integration;
  }

  private tokenCache(tenantId: string, domain: string): GoogleTokenCache {
    const { credentials } = this.options;
    const oauth = this.options.oauth!;
    return new GoogleTokenCache({
      loadTokenSet: async () => {
        const stored = await credentials.load(tenantId, 'google');
        if (!stored || stored.integration.status !== 'active') throw notConnected('Google Workspace is no longer connected for this tenant');
        return googleTokenSet(stored.tokens);
      },
      saveTokenSet: async (refreshed) => {
        await credentials.save(tenantId, 'google', domain, refreshed, SYSTEM_ACTOR);
      },
      refresh: async (refreshToken) => {
        try {
          return await oauth.refresh(refreshToken);
        } catch (error) {
          if (error instanceof GoogleConnectorError && error.type === 'GoogleReconsentRequired') {
            await credentials.markNeedsReconsent(tenantId, 'google', SYSTEM_ACTOR);
            this.forget(tenantId);
          }
          throw error;
        }
      },
    });
  }
}

function googleTokenSet(tokens: TokenSet): GoogleTokenSet {
  if (!tokens.refreshToken) throw notConnected('the stored Google grant has no refresh token; a tenant admin must connect again');
  return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt ?? new Date(0), scopes: tokens.scopes };
}

function notConnected(message: string): GoogleConnectorError {
  return new GoogleConnectorError('GoogleReconsentRequired', message, false);
}
