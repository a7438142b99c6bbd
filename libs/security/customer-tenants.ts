import type { PrismaClient } from '../db';

/**
 * Ids of every customer tenant, through the owner-defined customer_tenant_ids() function: the app role
 * cannot list tenants across row-level security, and this is the one narrow exception it is given.
 */
export async function customerTenantIds(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM customer_tenant_ids() AS id`;
  return rows.map((row) => row.id);
}

/** Which of these ids are customer tenants; the rest are unknown (or the security desk's own tenant). */
export async function knownCustomerTenantIds(prisma: PrismaClient, ids: string[]): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM customer_tenant_ids() AS id WHERE id = ANY(${ids}::uuid[])`;
  return rows.map((row) => row.id);
}
