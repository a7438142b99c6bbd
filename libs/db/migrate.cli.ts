import { join } from 'node:path';
import { postgresUrl } from '../config/app-config';
import { repoRoot } from '../config/repo-root';
import { runMigrations } from './migration-runner';

/** npm run migrate: applies pending migrations as the owner role (DATABASE_OWNER_URL). */
async function main(): Promise<void> {
  const applied = await runMigrations(
    postgresUrl(process.env, 'DATABASE_OWNER_URL'),
    join(repoRoot(), 'prisma', 'migrations'),
  );
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
