import { maintenanceDatabase } from '../../../../libs/db/maintenance-database';
import { createOperatorKey } from './operator-key-issuer';

/** npm run operator:key -- --name <who>: prints a new operator key once. DATABASE_OWNER_URL, else the embedded PostgreSQL in .data/. */
async function main(): Promise<void> {
  const nameIndex = process.argv.indexOf('--name');
  const name = nameIndex > 0 ? process.argv[nameIndex + 1] : undefined;
  if (!name) throw new Error('usage: npm run operator:key -- --name <who>');
  const database = await maintenanceDatabase('DATABASE_OWNER_URL');
  try {
    const { id, key } = await createOperatorKey(database.url, name);
    console.log(`operator key ${id} for "${name}" (shown once):\n${key}`);
  } finally {
    await database.release();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
