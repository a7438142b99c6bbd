import { Client } from 'pg';
import { keyProviderFromEnv } from '../crypto/key-provider-from-env';
import { AuditHeadSigner, type AuditSql } from './audit-head-signer';

export interface PrunedTenant {
  tenantId: string;
  pruned: number;
}

/**
 * The only way events leave the trail outside a tenant's deletion: per tenant, events older than its retention
 * (audit_retention_days, two years unless changed) go through the database's audit_prune_before(), which leaves a
 * checkpoint so the remaining chain still verifies; the checkpoint is signed (HMAC under the tenant's KMS-held
 * key) in the same transaction, so a checkpoint someone forges to hide deleted events does not verify. Runs as
 * the owner role, with the KMS settings of the environment unless a signer is given.
 */
export async function pruneExpiredAuditEvents(
  ownerUrl: string,
  options: { now?: Date; tenantIds?: string[]; signer?: AuditHeadSigner } = {},
): Promise<PrunedTenant[]> {
  const now = options.now ?? new Date();
  const signer = options.signer ?? new AuditHeadSigner(keyProviderFromEnv());
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  const sql: AuditSql = async (text, params) => (await client.query(text, params)).rows;
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
        await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenant.id]);
        const { rows } = await client.query<{ pruned: string }>('SELECT audit_prune_before($1, $2) AS pruned', [tenant.id, cutoff]);
        const pruned = Number(rows[0]!.pruned);
        if (pruned > 0) await signLatestCheckpoint(client, sql, signer, tenant.id);
        await client.query('COMMIT');
        results.push({ tenantId: tenant.id, pruned });
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

async function signLatestCheckpoint(client: Client, sql: AuditSql, signer: AuditHeadSigner, tenantId: string): Promise<void> {
  const { rows } = await client.query<{ seq: string; hash: Buffer; pruned_before: Date; pruned_count: string }>(
    'SELECT seq, hash, pruned_before, pruned_count FROM audit_checkpoints WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1',
    [tenantId],
  );
  const checkpoint = rows[0]!;
  const mac = await signer.checkpointMac(sql, {
    tenantId,
    seq: Number(checkpoint.seq),
    hash: checkpoint.hash,
    prunedBefore: checkpoint.pruned_before,
    prunedCount: Number(checkpoint.pruned_count),
  });
  await client.query('UPDATE audit_checkpoints SET mac = $3 WHERE tenant_id = $1 AND seq = $2', [tenantId, checkpoint.seq, mac]);
}
