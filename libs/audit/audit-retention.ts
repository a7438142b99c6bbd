import { Client } from 'pg';

export interface PrunedTenant {
  tenantId: string;
  pruned: number;
}

/**
 * The only way events leave the trail: per tenant, events older than its retention (audit_retention_days,
 * two years unless changed) go through the database's audit_prune_before(), which leaves a checkpoint so
 * the remaining chain still verifies. Runs as the owner role.
 */
export async function pruneExpiredAuditEvents(
  ownerUrl: string,
  options: { now?: Date; tenantIds?: string[] } = {},
): Promise<PrunedTenant[]> {
  const now = options.now ?? new Date();
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const tenants = await client.query<{ id: string; audit_retention_days: number }>(
      'SELECT id, audit_retention_days FROM tenants WHERE $1::uuid[] IS NULL OR id = ANY($1) ORDER BY id',
      [options.tenantIds ?? null],
    );
    const results: PrunedTenant[] = [];
    for (const tenant of tenants.rows) {
      const cutoff = new Date(now.getTime() - tenant.audit_retention_days * 86_400_000);
      await client.query('BEGIN');
      try {
        const { rows } = await client.query<{ pruned: string }>('SELECT audit_prune_before($1, $2) AS pruned', [tenant.id, cutoff]);
        await client.query('COMMIT');
        results.push({ tenantId: tenant.id, pruned: Number(rows[0]!.pruned) });
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return results;
  } finally {
    await client.end();
  }
}
