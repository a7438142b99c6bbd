import type { CredentialRevocationOutcome } from '../contracts';

/**
 * Revokes every provider grant a tenant holds (Google, Jira) at the provider, before its credentials and data
 * keys are deleted. Best effort: one outcome per provider, never a throw for a provider that refused.
 */
export interface TenantCredentialRevoker {
  revokeAll(tenantId: string): Promise<CredentialRevocationOutcome[]>;
}
