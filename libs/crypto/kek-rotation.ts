import { Client } from 'pg';
import { assessPayloadHistory, KeyVersionInHistoryError, type TemporalPayloadHistory } from './kek-retirement';
import type { KeyProvider } from './key-provider';
import { KeyVersionInUseError, UnknownKeyVersionError } from './key-version-errors';

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

export interface RetirementOptions {
  /** The namespace's retention and stored executions; undefined when neither Temporal nor a setting tells. */
  history: TemporalPayloadHistory | undefined;
  /** How long the payload codec keeps encoding under one data key (PAYLOAD_DATA_KEY_LIFETIME_MS). */
  payloadKeyLifetimeMs: number;
  /** Retire even though Temporal histories may still hold payloads under the version (never data keys). */
  acceptUndecodableHistory?: boolean;
  now?: Date;
}

export interface RetirementOutcome {
  alreadyRetired: boolean;
  /** The reasons to wait that acceptUndecodableHistory overrode; empty when none. */
  overridden: string[];
}

/**
 * Retires a KEK version once nothing can need it any more. Refused (KeyVersionInUseError) while it is the
 * active version, while data keys are still wrapped under it (credentials and unread one-time secrets:
 * re-wrap them, never forced), or while Temporal histories may hold payloads encoded under it (with the
 * date it will be allowed when that is known). `acceptUndecodableHistory` retires past the last one and
 * reports what it overrode.
 */
export async function retireKeyVersion(ownerUrl: string, provider: KeyProvider, version: string, options: RetirementOptions): Promise<RetirementOutcome> {
  const versions = await provider.listVersions();
  const info = versions.find((candidate) => candidate.version === version);
  if (!info) throw new UnknownKeyVersionError(version);
  if (info.retired) return { alreadyRetired: true, overridden: [] };
  if (info.active) throw new KeyVersionInUseError(version, 'it is the active version; rotate first');
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const dataKeys = await dataKeysUnder(client, info.kekId, version);
    if (dataKeys.total > 0) {
      const secrets = dataKeys.oneTimeSecrets > 0 ? ` (${dataKeys.oneTimeSecrets} of them for one-time secrets not yet revealed or expired)` : '';
      throw new KeyVersionInUseError(version, `${dataKeys.total} data key(s) are still wrapped under it${secrets}; re-wrap them first with npm run keys:rotate -- --rewrap`);
    }
    const payloads = await assessPayloadHistory(info, options.history, options.payloadKeyLifetimeMs, options.now ?? new Date());
    if (payloads.reasons.length > 0 && !options.acceptUndecodableHistory) {
      throw new KeyVersionInHistoryError(version, payloads.reasons.join('; '), payloads.allowedFrom);
    }
    // Asked again inside the provider: a data key wrapped under it meanwhile still stops the retirement.
    await provider.retireVersion(version, async (candidate) => (await dataKeysUnder(client, info.kekId, candidate)).total);
    return { alreadyRetired: false, overridden: payloads.reasons };
  } finally {
    await client.end();
  }
}

/** Data keys wrapped under a KEK version, and how many of them seal one-time secrets (counted per tenant, under RLS). */
async function dataKeysUnder(client: Client, kekId: string, version: string): Promise<{ total: number; oneTimeSecrets: number }> {
  const { rows } = await client.query<{ tenant_id: string; ids: string[] }>(
    'SELECT tenant_id, array_agg(id::text) AS ids FROM data_keys WHERE kek_id = $1 AND kek_version = $2 GROUP BY tenant_id',
    [kekId, version],
  );
  let total = 0;
  let oneTimeSecrets = 0;
  for (const row of rows) {
    total += row.ids.length;
    await client.query('BEGIN');
    try {
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [row.tenant_id]);
      const secrets = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM one_time_secrets WHERE data_key_id = ANY($1::uuid[])', [row.ids]);
      oneTimeSecrets += secrets.rows[0]!.n;
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
  return { total, oneTimeSecrets };
}
