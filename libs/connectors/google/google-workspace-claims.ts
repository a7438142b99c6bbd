import type { TenantScopedDatabase } from '../../db';

/** The Google Workspace a tenant connected: its domain and the Google customer that owns it. */
export interface GoogleWorkspaceClaim {
  domain: string;
  customerId: string;
}

/** Thrown inside the claim's transaction to roll back the release of the tenant's previous claim. */
class HeldByAnotherTenant extends Error {}

/**
 * One Workspace (domain and Google customer) per tenant, across all tenants (google_workspace_claims: the
 * database's unique indexes decide, while row-level security keeps every other tenant's row out of sight).
 */
export class GoogleWorkspaceClaims {
  constructor(private readonly db: TenantScopedDatabase) {}

  /**
   * Claims the Workspace for the tenant, replacing the tenant's own earlier claim; 'held-elsewhere' when
   * another tenant holds the domain or the customer, and then the tenant's earlier claim stays as it was.
   */
  async claim(tenantId: string, claim: GoogleWorkspaceClaim, claimedBy: string): Promise<'claimed' | 'held-elsewhere'> {
    try {
      await this.db.withTenant(tenantId, async (tx) => {
        const [own] = await tx.$queryRaw<GoogleWorkspaceClaim[]>`SELECT domain, customer_id AS "customerId" FROM google_workspace_claims`;
        if (own?.domain === claim.domain && own.customerId === claim.customerId) return;
        await tx.$executeRaw`DELETE FROM google_workspace_claims`;
        const inserted = await tx.$executeRaw`
          INSERT INTO google_workspace_claims (tenant_id, domain, customer_id, claimed_by)
          VALUES (${tenantId}::uuid, ${claim.domain}, ${claim.customerId}, ${claimedBy})
          ON CONFLICT DO NOTHING`;
        if (inserted === 0) throw new HeldByAnotherTenant();
      });
      return 'claimed';
    } catch (error) {
      if (error instanceof HeldByAnotherTenant) return 'held-elsewhere';
      throw error;
    }
  }

  /** The tenant's claim, or undefined when it has connected no Workspace since claims were kept. */
  async of(tenantId: string): Promise<GoogleWorkspaceClaim | undefined> {
    const [own] = await this.db.withTenant(tenantId, (tx) => tx.$queryRaw<GoogleWorkspaceClaim[]>`SELECT domain, customer_id AS "customerId" FROM google_workspace_claims`);
    return own;
  }

  /** Gives the Workspace up (on disconnect), so another tenant may connect it. */
  async release(tenantId: string): Promise<void> {
    await this.db.withTenant(tenantId, (tx) => tx.$executeRaw`DELETE FROM google_workspace_claims`);
  }
}
