import { postgresUrl } from '../config/app-config';
import { retireKeyVersion, rewrapDataKeys } from './kek-rotation';
import { keyProviderFromEnv } from './key-provider-from-env';
import { LocalKeyProvider } from './local-key-provider';

/**
 * npm run keys:rotate                      new KEK version (local key file; on AWS, repoint the alias first),
 *                                          then re-wrap every data key under it
 * npm run keys:rotate -- --retire <ver>    retire a version no data key uses any more
 * Needs DATABASE_OWNER_URL and the same key settings as the app (CUSTODIAN_KEY_FILE or KMS_KEY_ID).
 */
async function main(): Promise<void> {
  const ownerUrl = postgresUrl(process.env, 'DATABASE_OWNER_URL');
  const provider = keyProviderFromEnv();
  const retireIndex = process.argv.indexOf('--retire');
  if (retireIndex > 0) {
    const version = process.argv[retireIndex + 1];
    if (!version) throw new Error('usage: npm run keys:rotate -- --retire <version>');
    await retireKeyVersion(ownerUrl, provider, version);
    console.log(`KEK version ${version} retired`);
    return;
  }
  if (provider instanceof LocalKeyProvider) console.log(`new KEK version ${await provider.rotate()}`);
  const report = await rewrapDataKeys(ownerUrl, provider);
  console.log(`${report.rewrapped} data keys re-wrapped under KEK version ${report.activeVersion}`);
  for (const failure of report.failed) {
    console.error(`data key ${failure.dataKeyId} of tenant ${failure.tenantId} was not re-wrapped: ${failure.reason}`);
  }
  if (report.failed.length > 0) process.exitCode = 2;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
