import { join } from 'node:path';
import { repoRoot } from '../config/repo-root';
import { maintenanceDatabase } from './maintenance-database';
import { runMigrations } from './migration-runner';

/** npm run migrate: applies pending migrations as the owner role (DATABASE_OWNER_URL, else the embedded PostgreSQL in .data/). */
async function main(): Promise<void> {
  const database = await maintenanceDatabase('DATABASE_OWNER_URL');
  try {
    const applied = await runMigrations(database.url, join(repoRoot(), 'prisma', 'migrations'));
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await database.release();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
