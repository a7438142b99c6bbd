import { Connection } from '@temporalio/client';
import { ConfigError, loadTemporalConfig } from '../config/app-config';
import { maintenanceDatabase } from '../db/maintenance-database';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { namespacePayloadHistory, statedPayloadHistory } from '../temporal/namespace-payload-history';
import { PAYLOAD_DATA_KEY_LIFETIME_MS } from '../temporal/payload-codec';
import { KeyVersionInHistoryError, UNDECODABLE_HISTORY_CONSEQUENCE, type TemporalPayloadHistory } from './kek-retirement';
import { retireKeyVersion, rewrapDataKeys } from './kek-rotation';
import type { KeyProvider } from './key-provider';
import { keyProviderFromEnv } from './key-provider-from-env';
import { KeyVersionInUseError } from './key-version-errors';
import { LocalKeyProvider } from './local-key-provider';

const ACCEPT_FLAG = '--accept-undecodable-history';

/**
 * npm run keys:rotate                      new KEK version (local key file; on AWS, repoint the alias first),
 *                                          then re-wrap every data key under it
 * npm run keys:rotate -- --rewrap          re-wrap data keys still under an older version, no new version
 * npm run keys:rotate -- --retire <ver>    retire a version nothing needs any more: no data key under it, and
 *                                          no Temporal history that may hold payloads under it (it says when)
 *        ... --retire <ver> --accept-undecodable-history   retire anyway, making those histories undecodable
 * Needs DATABASE_OWNER_URL (else the embedded PostgreSQL in .data/) and the same key settings as the app (CUSTODIAN_KEY_FILE or KMS_KEY_ID); --retire
 * also asks Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_*) for the namespace's retention,
 * or reads TEMPORAL_NAMESPACE_RETENTION_DAYS when Temporal cannot be reached.
 */
async function main(): Promise<void> {
  const provider = keyProviderFromEnv();
  const retireIndex = process.argv.indexOf('--retire');
  const version = retireIndex > 0 ? process.argv[retireIndex + 1] : undefined;
  if (retireIndex > 0 && (!version || version.startsWith('--'))) throw new Error(`usage: npm run keys:rotate -- --retire <version> [${ACCEPT_FLAG}]`);
  const database = await maintenanceDatabase('DATABASE_OWNER_URL');
  try {
    if (version) await retire(database.url, provider, version, process.argv.includes(ACCEPT_FLAG));
    else await rotate(database.url, provider);
  } finally {
    await database.release();
  }
}

async function rotate(ownerUrl: string, provider: KeyProvider): Promise<void> {
  if (provider instanceof LocalKeyProvider && !process.argv.includes('--rewrap')) console.log(`new KEK version ${await provider.rotate()}`);
  const report = await rewrapDataKeys(ownerUrl, provider);
  console.log(`${report.rewrapped} data keys re-wrapped under KEK version ${report.activeVersion}`);
  for (const failure of report.failed) {
    console.error(`data key ${failure.dataKeyId} of tenant ${failure.tenantId} was not re-wrapped: ${failure.reason}`);
  }
  if (report.failed.length > 0) process.exitCode = 2;
}

async function retire(ownerUrl: string, provider: KeyProvider, version: string, acceptUndecodableHistory: boolean): Promise<void> {
  const temporal = await connectToTemporal();
  try {
    const history = temporal ? await namespacePayloadHistory(temporal.connection, temporal.namespace) : statedHistory();
    const outcome = await retireKeyVersion(ownerUrl, provider, version, { history, payloadKeyLifetimeMs: PAYLOAD_DATA_KEY_LIFETIME_MS, acceptUndecodableHistory });
    if (outcome.alreadyRetired) console.log(`KEK version ${version} was already retired`);
    else if (outcome.overridden.length === 0) console.log(`KEK version ${version} retired`);
    else console.log(`KEK version ${version} retired although ${outcome.overridden.join('; ')}.\nConsequence: ${UNDECODABLE_HISTORY_CONSEQUENCE}.`);
  } catch (error) {
    if (!(error instanceof KeyVersionInUseError)) throw error;
    console.error(error.message);
    if (error.allowedFrom) console.error(`Allowed from ${error.allowedFrom.toISOString()}.`);
    if (error instanceof KeyVersionInHistoryError) {
      console.error(`To retire it now regardless, add ${ACCEPT_FLAG}: ${UNDECODABLE_HISTORY_CONSEQUENCE}.`);
    }
    process.exitCode = 3;
  } finally {
    await temporal?.connection.close();
  }
}

/** The configured cluster, or undefined (with the reason printed) when it is not set or does not answer. */
async function connectToTemporal(): Promise<{ connection: Connection; namespace: string } | undefined> {
  if (!process.env.TEMPORAL_ADDRESS) {
    console.error('TEMPORAL_ADDRESS is not set: the namespace retention cannot be asked from Temporal');
    return undefined;
  }
  const config = loadTemporalConfig(process.env);
  try {
    return { connection: await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: 5_000 }), namespace: config.namespace };
  } catch (error) {
    console.error(`Temporal at ${config.address} could not be reached (${(error as Error).message})`);
    return undefined;
  }
}

function statedHistory(): TemporalPayloadHistory | undefined {
  const raw = process.env.TEMPORAL_NAMESPACE_RETENTION_DAYS;
  if (!raw) return undefined;
  const days = Number(raw);
  if (!Number.isFinite(days) || days <= 0 || days > 3650) throw new ConfigError(`TEMPORAL_NAMESPACE_RETENTION_DAYS must be a number of days between 0 and 3650; got "${raw}"`);
  return statedPayloadHistory(days);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
