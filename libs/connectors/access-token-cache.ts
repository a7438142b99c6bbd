import type { CredentialStore, Provider, TokenSet } from './credential-store';

/** Exchanges a refresh token for a new token set at the provider (Google, Jira). */
export type TokenRefresher = (current: TokenSet) => Promise<TokenSet>;

export class IntegrationNotConnectedError extends Error {
  override name = 'IntegrationNotConnectedError';
}

const REFRESH_MARGIN_MS = 60_000;

/**
 * Decrypted access tokens live only here, in memory, per tenant and provider. A token with less than 60 s
 * left is refreshed first; concurrent callers share one refresh (providers that rotate refresh tokens
 * revoke the grant when an old one is reused), and the new set is stored, encrypted, before anyone uses it.
 */
export class AccessTokenCache {
  private readonly tokens = new Map<string, TokenSet>();
  private readonly refreshing = new Map<string, Promise<TokenSet>>();

  constructor(
    private readonly store: CredentialStore,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(tenantId: string, provider: Provider, refresh: TokenRefresher, actor: string): Promise<string> {
    const key = `${tenantId}/${provider}`;
    const cached = this.tokens.get(key);
    if (cached && this.fresh(cached)) return cached.accessToken.reveal();
    let pending = this.refreshing.get(key);
    if (!pending) {
      pending = this.loadOrRefresh(tenantId, provider, refresh, actor).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    const tokens = await pending;
    this.tokens.set(key, tokens);
    return tokens.accessToken.reveal();
  }

  /** Forget a tenant's tokens (disconnect, re-consent, tenant deletion). */
  forget(tenantId: string, provider: Provider): void {
    this.tokens.delete(`${tenantId}/${provider}`);
  }

  private async loadOrRefresh(tenantId: string, provider: Provider, refresh: TokenRefresher, actor: string): Promise<TokenSet> {
    const stored = await this.store.load(tenantId, provider);
    if (!stored) throw new IntegrationNotConnectedError(`${provider} is not connected for this tenant`);
    if (this.fresh(stored.tokens)) return stored.tokens;
    const renewed = await refresh(stored.tokens);
    await this.store.save(tenantId, provider, stored.integration.externalAccount, renewed, actor);
    return renewed;
  }

  private fresh(tokens: TokenSet): boolean {
    return tokens.expiresAt === null || tokens.expiresAt.getTime() - this.now() > REFRESH_MARGIN_MS;
  }
}
