import type { PrismaClient } from './prisma-client';

/** One foreign key between two tenant tables: `referencing` rows point at `referenced` rows. */
export interface TableReference {
  referencing: string;
  referenced: string;
}

/** Deleted last of all: every tenant table refers to it. */
const TENANTS = 'tenants';
/** Deleted as late as the foreign keys allow: the wrapped keys go after the ciphertext they protect. */
const DATA_KEYS = 'data_keys';

export class DeletionOrderError extends Error {
  override name = 'DeletionOrderError';
}

/**
 * The tables that hold tenant data and the foreign keys between them, read from the catalogue (the
 * database's tenant_data_tables(): every table with tenant_id, plus tenants), so tables added later are found.
 */
export async function readTenantTables(prisma: PrismaClient): Promise<{ tables: string[]; references: TableReference[] }> {
  const tables = await prisma.$queryRaw<{ name: string }[]>`SELECT tenant_data_tables() AS name`;
  const references = await prisma.$queryRaw<TableReference[]>`
    SELECT DISTINCT src.relname::text AS referencing, dst.relname::text AS referenced
    FROM pg_constraint c
    JOIN pg_class src ON src.oid = c.conrelid
    JOIN pg_class dst ON dst.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = src.relnamespace
    WHERE c.contype = 'f' AND n.nspname = 'public'`;
  return { tables: tables.map((table) => table.name), references };
}

/**
 * An order in which deleting every table's rows satisfies the foreign keys: a table comes after every table
 * that refers to it. Among tables that are free to go, alphabetical, except that data_keys waits as long as
 * it can and tenants is last. Self-references do not constrain the order.
 */
export function deletionOrder(tables: readonly string[], references: readonly TableReference[]): string[] {
  const included = new Set(tables);
  const referrers = new Map(tables.map((table) => [table, new Set<string>()]));
  for (const { referencing, referenced } of references) {
    if (referencing !== referenced && included.has(referencing) && included.has(referenced)) {
      referrers.get(referenced)!.add(referencing);
    }
  }
  const rank = (table: string) => (table === TENANTS ? 2 : table === DATA_KEYS ? 1 : 0);
  const order: string[] = [];
  const remaining = new Set(tables);
  while (remaining.size > 0) {
    const free = [...remaining]
      .filter((table) => [...referrers.get(table)!].every((referrer) => !remaining.has(referrer)))
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const next = free[0];
    if (next === undefined) throw new DeletionOrderError(`foreign keys form a cycle among ${[...remaining].sort().join(', ')}`);
    if (next === TENANTS && remaining.size > 1) {
      throw new DeletionOrderError(`tenants would be deleted before ${[...remaining].filter((t) => t !== TENANTS).sort().join(', ')}`);
    }
    order.push(next);
    remaining.delete(next);
  }
  return order;
}
