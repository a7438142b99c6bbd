import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { createOperatorKey } from '../../apps/api/src/auth/operator-key-issuer';
import { ApiMetrics } from '../../apps/api/src/metrics/api-metrics';
import { createApiTemporalClient } from '../../apps/api/src/platform/api-temporal-client';
import type { CustodianWorkerOptions } from '../../apps/worker/src/custodian-worker';
import { loadAppConfig } from '../../libs/config/app-config';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { googleOAuthFromConfig } from '../../libs/connectors/google/google-oauth-from-config';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { createPrismaClient, TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { OneTimeSecretStore } from '../../libs/secrets/one-time-secret-store';
import { TicketAttachmentStore } from '../../libs/tickets/ticket-attachment-store';
import { appPrisma, startTestWorker, testEnv, testPayloadCodec } from './test-environment';

export interface TestApi {
  app: INestApplication;
  http: ReturnType<INestApplication['getHttpServer']>;
  operatorKey: string;
  prisma: PrismaClient;
  temporal: Client;
  credentials: CredentialStore;
  close(): Promise<void>;
}

/** The real API (and the real worker) over the test servers, as a user reaches them: over HTTP. */
export async function startTestApi(
  options: {
    bodyLimitBytes?: number;
    withWorker?: boolean;
    env?: Record<string, string>;
    /** The API's own PostgreSQL and Temporal instead of the test servers' (e.g. an address where nothing listens). */
    databaseUrl?: string;
    temporalAddress?: string;
    /** The worker's span pipeline, for a test that traces (the API's spans go to the global provider). */
    tracing?: CustodianWorkerOptions['tracing'];
  } = {},
): Promise<TestApi> {
  const prisma = options.databaseUrl ? createPrismaClient(options.databaseUrl, { poolSize: 1 }) : appPrisma();
  const db = new TenantScopedDatabase(prisma);
  const metrics = new ApiMetrics();
  // The product's client (counts starts, carries trace context); lazy towards a Temporal that may be down.
  const connection = options.temporalAddress ? lazyConnection(options.temporalAddress) : await Connection.connect({ address: testEnv().temporalAddress });
  const temporal = { client: createApiTemporalClient({ connection, namespace: 'default', payloadCodec: testPayloadCodec(), metrics }), close: () => connection.close() };
  const config = loadAppConfig({
    ...process.env,
    API_BODY_LIMIT_BYTES: String(options.bodyLimitBytes ?? 16 * 1024),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const encryption = new EnvelopeEncryption(keyProviderFromEnv());
  const credentials = new CredentialStore(db, encryption);
  const app = await createApiApp({ config, db, temporal: temporal.client, payloadCodec: testPayloadCodec(), credentials, secrets: new OneTimeSecretStore(db, encryption), attachments: new TicketAttachmentStore(db, encryption), encryption, metrics });
  await app.init();
  // The worker reaches Google as the product's would: through the GOOGLE_* settings in options.env.
  const google = new GoogleWorkspaceConnections({ credentials, oauth: googleOAuthFromConfig(config.google), apiRootUrl: config.google?.apiRootUrl });
  const worker = options.withWorker === false ? undefined : await startTestWorker(db, { google }, config.temporal.taskQueue, options.tracing);
  const { key: operatorKey } = await createOperatorKey(testEnv().ownerUrl, `test-operator-${Date.now()}`);
  return {
    app,
    http: app.getHttpServer(),
    operatorKey,
    prisma,
    temporal: temporal.client,
    credentials,
    async close() {
      await worker?.stop();
      await app.close();
      await temporal.close();
      await prisma.$disconnect();
    },
  };
}

/**
 * A connection made on first use, so an API can start against a Temporal that is down. Without gRPC
 * retries: a retry timer of a call to nowhere would otherwise fire after close and throw in a later test.
 */
function lazyConnection(address: string): Connection {
  return Connection.lazy({ address, interceptors: [] });
}
