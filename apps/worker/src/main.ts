import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { NativeConnection } from '@temporalio/worker';
import { loadAppConfig } from '../../../libs/config/app-config';
import { createNotifier } from '../../../libs/connectors/email';
import { CredentialStore } from '../../../libs/connectors/credential-store';
import { googleOAuthFromConfig } from '../../../libs/connectors/google/google-oauth-from-config';
import { GoogleWorkspaceConnections } from '../../../libs/connectors/google/google-workspace-connections';
import { atlassianOAuthFromConfig } from '../../../libs/connectors/jira/atlassian-oauth-from-config';
import { ProviderCredentialRevoker } from '../../../libs/connectors/provider-credential-revoker';
import { assertRowLevelSecurity, createPrismaClient, TenantScopedDatabase } from '../../../libs/db';
import { EnvelopeEncryption } from '../../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../../libs/crypto/key-provider-from-env';
import { createJiraDisconnection } from '../../../libs/jira-lifecycle/jira-disconnection';
import { createJiraSyncEngine } from '../../../libs/jira-sync/jira-sync-engine';
import { OneTimeSecretStore } from '../../../libs/secrets/one-time-secret-store';
import { loadSecurityDeskConfig } from '../../../libs/security/security-desk-config';
import { flushErrorReports, reportUnexpectedError } from '../../../libs/observability/error-tracking';
import { startProcessObservability } from '../../../libs/observability/process-observability';
import { temporalConnectionOptions } from '../../../libs/temporal/connection-options';
import { custodianDataConverter } from '../../../libs/temporal/data-converter';
import { PayloadEncryptionCodec } from '../../../libs/temporal/payload-codec';
import { ensureSearchAttributes } from '../../../libs/temporal/search-attribute-registration';
import { createCustodianWorker } from './custodian-worker';
import { startWorkerHealthServer } from './worker-health-server';
import { installWorkerRuntime } from './worker-runtime';
import { ensureWorkerSchedules } from './worker-schedules';

/** Built by `npm run build` beside the compiled code; absent when running from sources. */
const PREBUILT_BUNDLE = join(__dirname, '..', '..', '..', 'workflow-bundle.js');

async function main(): Promise<void> {
  const config = loadAppConfig();
  const observability = startProcessObservability('custodian-worker', config.observability);
  const { metricsAddress, healthAddress, shutdownGraceSeconds } = config.observability.worker;
  // Before any connection: the runtime is made with the first one.
  if (metricsAddress) installWorkerRuntime(metricsAddress);
  const securityDesk = loadSecurityDeskConfig();
  const prisma = createPrismaClient(config.databaseUrl);
  await assertRowLevelSecurity(prisma);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  const keyProvider = keyProviderFromEnv();
  const payloadCodec = new PayloadEncryptionCodec({ keyProvider });
  // Activities that act on other workflows (tenant deletion stops the tenant's) go through a client.
  const clientConnection = await Connection.connect(temporalConnectionOptions(config.temporal));
  // Its starts and signals carry the activity's trace context on, like the API's client.
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: custodianDataConverter(payloadCodec), interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
  try {
    // Every workflow starts with these attributes: a cluster without them could start no ticket.
    await ensureSearchAttributes(clientConnection, config.temporal.namespace);
    const db = new TenantScopedDatabase(prisma);
    const encryption = new EnvelopeEncryption(keyProvider);
    const credentials = new CredentialStore(db, encryption);
    const googleOAuth = googleOAuthFromConfig(config.google);
    const jiraOAuth = atlassianOAuthFromConfig(config.jira);
    const worker = await createCustodianWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      dependencies: {
        db,
        notifier: createNotifier(prisma),
        securityDesk,
        temporal,
        credentialRevoker: new ProviderCredentialRevoker({ credentials, googleOAuth }),
        jiraDisconnection: createJiraDisconnection({ db, temporal, encryption, credentials, oauth: jiraOAuth }),
        deletionBatchSize: config.tenantLifecycle.deletionBatchSize,
        google: new GoogleWorkspaceConnections({ credentials, oauth: googleOAuth, apiRootUrl: config.google?.apiRootUrl }),
        secrets: new OneTimeSecretStore(db, encryption),
        jiraSync: createJiraSyncEngine({
          db,
          encryption,
          credentials,
          oauth: jiraOAuth,
          temporal,
          taskQueue: config.temporal.taskQueue,
          webhookBaseUrl: config.api.publicUrl ?? `http://${config.api.host}:${config.api.port}`,
          attachmentMaxBytes: config.tickets.attachmentMaxBytes,
        }),
      },
      payloadCodec,
      workflowBundlePath: existsSync(PREBUILT_BUNDLE) ? PREBUILT_BUNDLE : undefined,
      shutdownGraceSeconds,
      tracing: observability.tracing,
    });
    const health = healthAddress ? await startWorkerHealthServer({ address: healthAddress, worker, connection }) : undefined;
    await ensureWorkerSchedules(temporal, config.temporal.taskQueue);
    console.log(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
    // The SDK's runtime turns SIGINT/SIGTERM into a graceful worker.shutdown(); run() resolves after it, once
    // running activities finished or the grace time (WORKER_SHUTDOWN_GRACE_SECONDS) cancelled them.
    try {
      await worker.run();
    } finally {
      await health?.close();
    }
  } finally {
    await clientConnection.close();
    await connection.close();
    await prisma.$disconnect();
    // Spans still buffered go out; the error tracker stays open for the failure main().catch reports.
    await observability.tracing?.shutdown();
  }
}

main().catch(async (error: unknown) => {
  console.error('worker failed:', error instanceof Error ? error.message : error);
  reportUnexpectedError(error);
  await flushErrorReports();
  process.exit(1);
});
