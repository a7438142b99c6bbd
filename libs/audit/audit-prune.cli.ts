import { maintenanceDatabase } from '../db/maintenance-database';
import { pruneExpiredAuditEvents } from './audit-retention';

/**
 * npm run audit:prune [-- --tenant <id>]: the retention job (owner role: DATABASE_OWNER_URL, else the embedded
 * PostgreSQL in .data/); it signs each checkpoint it leaves with the KMS (KMS_KEY_ID or the local key file, as the
 * API and worker use); safe to run daily.
 */
async function main(): Promise<void> {
  const tenantIndex = process.argv.indexOf('--tenant');
  const tenantIds = tenantIndex > 0 ? [process.argv[tenantIndex + 1] ?? ''] : undefined;
  const database = await maintenanceDatabase('DATABASE_OWNER_URL');
  try {
    const results = await pruneExpiredAuditEvents(database.url, { tenantIds });
    const pruned = results.filter((result) => result.pruned > 0);
    for (const result of pruned) console.log(`tenant ${result.tenantId}: pruned ${result.pruned} events, checkpoint kept`);
    console.log(`${results.length} tenants checked, ${pruned.length} pruned`);
  } finally {
    await database.release();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
