import { ATLASSIAN_APP_REVOCATION, type CredentialRevocationOutcome } from '../contracts';
import type { CredentialStore } from './credential-store';
import type { GoogleOAuth } from './google/google-oauth';
import type { TenantCredentialRevoker } from './tenant-credential-revoker';

/**
 * Revokes a tenant's grants at each provider before its credentials are destroyed. Google: the refresh token
 * revokes the whole grant. Atlassian offers no API to revoke a 3LO grant (the account holder removes the app
 * under their Atlassian account), so a Jira credential is reported as not revoked rather than claimed; destroying
 * it here still leaves Custodian unable to use the grant. Best effort: a failure is an outcome, never a throw.
 */
export class ProviderCredentialRevoker implements TenantCredentialRevoker {
  constructor(private readonly options: { credentials: CredentialStore; googleOAuth: GoogleOAuth | null }) {}

  async revokeAll(tenantId: string): Promise<CredentialRevocationOutcome[]> {
    const integrations = await this.options.credentials.list(tenantId);
    const outcomes: CredentialRevocationOutcome[] = [];
    for (const integration of integrations) {
      outcomes.push(await this.revoke(tenantId, integration.provider));
    }
    return outcomes;
  }

  private async revoke(tenantId: string, provider: 'google' | 'jira'): Promise<CredentialRevocationOutcome> {
    const oauth = this.options.googleOAuth;
    if (provider === 'jira') return { provider, outcome: 'failed', detail: ATLASSIAN_APP_REVOCATION };
    if (!oauth) return { provider, outcome: 'failed', detail: 'no connector' };
    try {
      const stored = await this.options.credentials.load(tenantId, provider);
      if (!stored) return { provider, outcome: 'none' };
      const result = await oauth.revokeGrant(stored.tokens);
      return { provider, outcome: 'revoked', detail: result };
    } catch (error) {
      return { provider, outcome: 'failed', detail: (error as Error).message.slice(0, 300) };
    }
  }
}
