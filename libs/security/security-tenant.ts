import type { TenantScopedDatabase, TenantTransaction } from '../db';

/**
 * The security desk's own tenant: vulnerability reports come from no customer, so their triage tickets and
 * the platform's incident audit trail live here, under the same row-level security as every tenant (a
 * platform tenant is never one of "all tenants" of a breach). A fixed id, so every process finds it.
 */
export const SECURITY_TENANT_ID = '5ec0de5c-0000-4000-8000-000000000001';
/** Reserved: a customer tenant holding it would make creating the desk's tenant, and every report, fail. */
export const SECURITY_TENANT_SLUG = 'custodian-security-desk';

/**
 * Work inside the security desk's tenant, creating it first if this database has never seen it: a bootstrap
 * that needs no migration and no seeding step, and runs with the app role's ordinary rights (the insert
 * passes the tenant_isolation policy because it is made in the tenant's own context).
 */
export function withSecurityTenant<T>(db: TenantScopedDatabase, work: (tx: TenantTransaction) => Promise<T>): Promise<T> {
  return db.withTenant(SECURITY_TENANT_ID, async (tx) => {
    await tx.$executeRaw`
      INSERT INTO tenants (id, slug, name, kind)
      VALUES (${SECURITY_TENANT_ID}::uuid, ${SECURITY_TENANT_SLUG}, 'Custodian security desk', 'platform')
      ON CONFLICT (id) DO NOTHING`;
    return work(tx);
  });
}
