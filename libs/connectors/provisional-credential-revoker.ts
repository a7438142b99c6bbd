import type { CredentialRevocationOutcome } from '../contracts';
import type { TenantScopedDatabase } from '../db';
import type { TenantCredentialRevoker } from './tenant-credential-revoker';

/**
 * Until the provider connectors can revoke: reports each stored credential as not revoked ("no connector"),
 * so the deletion certificate says so instead of claiming a revocation that did not happen.
 */
export class ProvisionalCredentialRevoker implements TenantCredentialRevoker {
  constructor(private readonly db: TenantScopedDatabase) {}

  async revokeAll(tenantId: string): Promise<CredentialRevocationOutcome[]> {
    const rows = await this.db.withTenant(tenantId, (tx) =>
      tx.integrationCredential.findMany({ select: { provider: true }, orderBy: { provider: 'asc' } }),
    );
    return rows.map((row) => ({ provider: row.provider, outcome: 'failed', detail: 'no connector' }));
  }
}
