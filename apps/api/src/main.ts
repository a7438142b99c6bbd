import 'reflect-metadata';
import { Connection } from '@temporalio/client';
import { loadAppConfig } from '../../../libs/config/app-config';
import { assertRowLevelSecurity, createPrismaClient, TenantScopedDatabase } from '../../../libs/db';
import { CredentialStore } from '../../../libs/connectors/credential-store';
import { EnvelopeEncryption } from '../../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../../libs/crypto/key-provider-from-env';
import { OneTimeSecretStore } from '../../../libs/secrets/one-time-secret-store';
import { TicketAttachmentStore } from '../../../libs/tickets/ticket-attachment-store';
import { temporalConnectionOptions } from '../../../libs/temporal/connection-options';
import { flushErrorReports, reportUnexpectedError } from '../../../libs/observability/error-tracking';
import { startProcessObservability } from '../../../libs/observability/process-observability';
import { PayloadEncryptionCodec } from '../../../libs/temporal/payload-codec';
import { createApiApp } from './create-api-app';
import { ApiMetrics } from './metrics/api-metrics';
import { createApiTemporalClient } from './platform/api-temporal-client';

async function main(): Promise<void> {
  const config = loadAppConfig();
  // Before the first connection or request, so both are traced and their failures reported.
  const observability = startProcessObservability('custodian-api', config.observability);
  const prisma = createPrismaClient(config.databaseUrl);
  await assertRowLevelSecurity(prisma);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const keyProvider = keyProviderFromEnv();
  const payloadCodec = new PayloadEncryptionCodec({ keyProvider });
  const db = new TenantScopedDatabase(prisma);
  const metrics = new ApiMetrics();
  const temporal = createApiTemporalClient({ connection, namespace: config.temporal.namespace, payloadCodec, metrics });
  const encryption = new EnvelopeEncryption(keyProvider);
  const credentials = new CredentialStore(db, encryption);
  const app = await createApiApp({ config, db, temporal, payloadCodec, credentials, secrets: new OneTimeSecretStore(db, encryption), attachments: new TicketAttachmentStore(db, encryption), encryption, metrics });
  await app.listen(config.api.port, config.api.host);
  console.log(`API listening on ${await app.getUrl()}`);

  const stop = async () => {
    await app.close();
    await connection.close();
    await prisma.$disconnect();
    await observability.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(async (error: unknown) => {
  console.error('API failed to start:', error instanceof Error ? error.message : error);
  reportUnexpectedError(error);
  await flushErrorReports();
  process.exit(1);
});
