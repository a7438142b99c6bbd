import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadAppConfig } from '../../../libs/config/app-config';
import { createNotifier } from '../../../libs/connectors/email';
import { ProvisionalCredentialRevoker } from '../../../libs/connectors/provisional-credential-revoker';
import { assertRowLevelSecurity, createPrismaClient, TenantScopedDatabase } from '../../../libs/db';
import { keyProviderFromEnv } from '../../../libs/crypto/key-provider-from-env';
import { loadSecurityDeskConfig } from '../../../libs/security/security-desk-config';
import { custodianDataConverter } from '../../../libs/temporal/data-converter';
import { PayloadEncryptionCodec } from '../../../libs/temporal/payload-codec';
import { createCustodianWorker } from './custodian-worker';

/** Built by `npm run build` beside the compiled code; absent when running from sources. */
const PREBUILT_BUNDLE = join(__dirname, '..', '..', '..', 'workflow-bundle.js');

async function main(): Promise<void> {
  const config = loadAppConfig();
  const securityDesk = loadSecurityDeskConfig();
  const prisma = createPrismaClient(config.databaseUrl);
  await assertRowLevelSecurity(prisma);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const payloadCodec = new PayloadEncryptionCodec({ keyProvider: keyProviderFromEnv() });
  // Activities that act on other workflows (tenant deletion stops the tenant's) go through a client.
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: custodianDataConverter(payloadCodec) });
  try {
    const db = new TenantScopedDatabase(prisma);
    const worker = await createCustodianWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      dependencies: {
        db,
        notifier: createNotifier(prisma),
        securityDesk,
        temporal,
        credentialRevoker: new ProvisionalCredentialRevoker(db),
        deletionBatchSize: config.tenantLifecycle.deletionBatchSize,
      },
      payloadCodec,
      workflowBundlePath: existsSync(PREBUILT_BUNDLE) ? PREBUILT_BUNDLE : undefined,
    });
    console.log(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
    // The SDK's runtime turns SIGINT/SIGTERM into a graceful worker.shutdown(); run() resolves after it.
    await worker.run();
  } finally {
    await clientConnection.close();
    await connection.close();
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error('worker failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
