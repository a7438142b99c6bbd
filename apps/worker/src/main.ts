import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { loadAppConfig } from '../../../libs/config/app-config';
import { assertRowLevelSecurity, createPrismaClient, TenantScopedDatabase } from '../../../libs/db';
import { keyProviderFromEnv } from '../../../libs/crypto/key-provider-from-env';
import { PayloadEncryptionCodec } from '../../../libs/temporal/payload-codec';
import { createCustodianWorker } from './custodian-worker';

/** Built by `npm run build` beside the compiled code; absent when running from sources. */
const PREBUILT_BUNDLE = join(__dirname, '..', '..', '..', 'workflow-bundle.js');

async function main(): Promise<void> {
  const config = loadAppConfig();
  const prisma = createPrismaClient(config.databaseUrl);
  await assertRowLevelSecurity(prisma);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const worker = await createCustodianWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      dependencies: { db: new TenantScopedDatabase(prisma) },
      payloadCodec: new PayloadEncryptionCodec({ keyProvider: keyProviderFromEnv() }),
      workflowBundlePath: existsSync(PREBUILT_BUNDLE) ? PREBUILT_BUNDLE : undefined,
    });
    console.log(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
    // The SDK's runtime turns SIGINT/SIGTERM into a graceful worker.shutdown(); run() resolves after it.
    await worker.run();
  } finally {
    await connection.close();
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error('worker failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
