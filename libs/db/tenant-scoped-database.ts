import { AuditHeadSigner } from '../audit/audit-head-signer';
import { keyProviderFromEnv } from '../crypto/key-provider-from-env';
import type { Prisma, PrismaClient } from './prisma-client';

export type TenantTransaction = Prisma.TransactionClient;

/** The signer of each open tenant transaction, for the audit writer, which signs the head it moves. */
const transactionSigners = new WeakMap<TenantTransaction, AuditHeadSigner>();

/** The audit head signer of a transaction opened by TenantScopedDatabase.withTenant, if it is one. */
export function auditHeadSignerOf(tx: TenantTransaction): AuditHeadSigner | undefined {
  return transactionSigners.get(tx);
}

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
  /** Signs the audit chain head in every transaction that appends an event (see libs/audit). */
  readonly auditHeads: AuditHeadSigner;

  /** Without a signer, one over the environment's KMS settings (KMS_KEY_ID or the local key file), like every process's. */
  constructor(
    readonly prisma: PrismaClient,
    options: { auditHeads?: AuditHeadSigner } = {},
  ) {
    this.auditHeads = options.auditHeads ?? new AuditHeadSigner(keyProviderFromEnv());
  }

  async withTenant<T>(
    tenantId: string,
    work: (tx: TenantTransaction) => Promise<T>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    if (!UUID.test(tenantId)) throw new InvalidTenantIdError('tenant id must be a UUID');
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
        transactionSigners.set(tx, this.auditHeads);
        return work(tx);
      },
      { timeout: options.timeoutMs ?? 15_000, maxWait: 10_000 },
    );
  }
}
