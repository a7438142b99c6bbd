import { postgresUrl } from '../../../../libs/config/app-config';
import { createOperatorKey } from './operator-key-issuer';

/** npm run operator:key -- --name <who>: prints a new operator key once. Needs DATABASE_OWNER_URL. */
async function main(): Promise<void> {
  const nameIndex = process.argv.indexOf('--name');
  const name = nameIndex > 0 ? process.argv[nameIndex + 1] : undefined;
  if (!name) throw new Error('usage: npm run operator:key -- --name <who>');
  const { id, key } = await createOperatorKey(postgresUrl(process.env, 'DATABASE_OWNER_URL'), name);
  console.log(`operator key ${id} for "${name}" (shown once):\n${key}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
