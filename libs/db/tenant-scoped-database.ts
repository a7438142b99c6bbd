import type { Prisma, PrismaClient } from './prisma-client';

export type TenantTransaction = Prisma.TransactionClient;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidTenantIdError extends Error {
  override name = 'InvalidTenantIdError';
}

/**
 * The only door to tenant data: each unit of work is one interactive transaction whose first statement
 * sets app.tenant_id for that transaction alone (set_config(..., true)), so the row-level security
 * policies confine every query in it to the tenant, filter or no filter, and nothing leaks to the next
 * user of the pooled connection.
 */
export class TenantScopedDatabase {
  constructor(readonly prisma: PrismaClient) {}

  async withTenant<T>(
    tenantId: string,
    work: (tx: TenantTransaction) => Promise<T>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    if (!UUID.test(tenantId)) throw new InvalidTenantIdError('tenant id must be a UUID');
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
        return work(tx);
      },
      { timeout: options.timeoutMs ?? 15_000, maxWait: 10_000 },
    );
  }
}
