import { Client } from 'pg';
import type { KeyProvider } from './key-provider';

/**
 * Re-wraps every tenant's data key that is not under the active KEK version. Only the wrapped keys change:
 * the data they encrypt is untouched and keeps decrypting. Runs as the owner role (policy
 * owner_rotates_keys), one key per transaction, so it can be interrupted and run again.
 */
export interface RewrapReport {
  activeVersion: string;
  rewrapped: number;
  /** Keys that would not unwrap (tampered or copied rows): reported, left as they are, never fatal to the rest. */
  failed: { dataKeyId: string; tenantId: string; reason: string }[];
}

export async function rewrapDataKeys(ownerUrl: string, provider: KeyProvider): Promise<RewrapReport> {
  const active = await provider.activeKeyVersion();
  // Only keys wrapped by this provider's key ring; others belong to another KMS key and are not ours to move.
  const kekId = (await provider.listVersions())[0]?.kekId;
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const stale = await client.query<{ id: string; tenant_id: string; integration_id: string; kek_version: string; wrapped_key: Buffer }>(
      'SELECT id, tenant_id, integration_id, kek_version, wrapped_key FROM data_keys WHERE kek_id = $1 AND kek_version <> $2',
      [kekId, active],
    );
    const report: RewrapReport = { activeVersion: active, rewrapped: 0, failed: [] };
    for (const row of stale.rows) {
      let rewrapped;
      try {
        rewrapped = await provider.rewrapDataKey(row.wrapped_key, { tenantId: row.tenant_id, integrationId: row.integration_id });
      } catch (error) {
        report.failed.push({ dataKeyId: row.id, tenantId: row.tenant_id, reason: (error as Error).message });
        continue;
      }
      await client.query(
        `UPDATE data_keys SET wrapped_key = $1, kek_id = $2, kek_version = $3, rewrapped_at = now()
         WHERE id = $4 AND kek_version = $5`,
        [rewrapped.wrappedKey, rewrapped.kekId, rewrapped.kekVersion, row.id, row.kek_version],
      );
      report.rewrapped += 1;
    }
    return report;
  } finally {
    await client.end();
  }
}

/** Retires a KEK version; refused (KeyVersionInUseError) while any data key is still wrapped under it. */
export async function retireKeyVersion(ownerUrl: string, provider: KeyProvider, version: string): Promise<void> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const kekId = (await provider.listVersions())[0]?.kekId;
    await provider.retireVersion(version, async (candidate) => {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM data_keys WHERE kek_id = $1 AND kek_version = $2',
        [kekId, candidate],
      );
      return rows[0]!.n;
    });
  } finally {
    await client.end();
  }
}
