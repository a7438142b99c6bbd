import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import type { ActivityDependencies } from '../../activities';
import { createCustodianWorker, type CustodianWorkerOptions } from '../../apps/worker/src/custodian-worker';
import { createNotifier } from '../../libs/connectors/email';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import { ProviderCredentialRevoker } from '../../libs/connectors/provider-credential-revoker';
import { CUSTODIAN_TASK_QUEUE } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { createPrismaClient, TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { createJiraDisconnection } from '../../libs/jira-lifecycle/jira-disconnection';
import { OneTimeSecretStore } from '../../libs/secrets/one-time-secret-store';
import { loadSecurityDeskConfig } from '../../libs/security/security-desk-config';
import { custodianDataConverter } from '../../libs/temporal/data-converter';
import { PayloadEncryptionCodec } from '../../libs/temporal/payload-codec';

/** What jest's global setup started, read from the environment it left behind. */
export function testEnv() {
  const read = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the tests through jest (global setup starts the servers)`);
    return value;
  };
  return {
    databaseUrl: read('DATABASE_URL'),
    ownerUrl: read('TEST_DATABASE_OWNER_URL'),
    superuserUrl: read('TEST_DATABASE_SUPERUSER_URL'),
    temporalAddress: read('TEMPORAL_ADDRESS'),
    workflowBundle: read('TEST_WORKFLOW_BUNDLE'),
  };
}

export function appPrisma(): PrismaClient {
  return createPrismaClient(testEnv().databaseUrl, { poolSize: 5 });
}

/** A connection as the owner role, for test setup and for proving what the app role cannot do. */
export async function ownerConnection(): Promise<PgClient> {
  const client = new PgClient({ connectionString: testEnv().ownerUrl });
  await client.connect();
  return client;
}

/** Someone with raw database access (a superuser), for proving tampering is detected. */
export async function superuserConnection(): Promise<PgClient> {
  const client = new PgClient({ connectionString: testEnv().superuserUrl });
  await client.connect();
  return client;
}

/**
 * Runs SQL as the owner inside one tenant's context: FORCE ROW LEVEL SECURITY binds the owner too, so even
 * test seeding has to say which tenant it writes for.
 */
export async function ownerQueryAsTenant(owner: PgClient, tenantId: string, sql: string, params: unknown[] = []) {
  await owner.query('BEGIN');
  try {
    await owner.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    const result = await owner.query(sql, params);
    await owner.query('COMMIT');
    return result;
  } catch (error) {
    await owner.query('ROLLBACK');
    throw error;
  }
}

/** A tenant row made directly by the owner, for tests that do not go through the API. */
export async function insertTenant(owner: PgClient, slug = `t-${randomUUID().slice(0, 8)}`): Promise<string> {
  const id = randomUUID();
  await ownerQueryAsTenant(owner, id, 'INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)', [id, slug, `Tenant ${slug}`]);
  return id;
}

/** The same encryption codec the product uses, over this run's key file. */
export function testPayloadCodec(): PayloadEncryptionCodec {
  return new PayloadEncryptionCodec({ keyProvider: keyProviderFromEnv() });
}

export async function temporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: testEnv().temporalAddress });
  const client = new Client({ connection, dataConverter: custodianDataConverter(testPayloadCodec()) });
  return { client, close: () => connection.close() };
}

/**
 * The worker's real dependencies over the test database: notices go to the outbox tables; no Google OAuth
 * client, so Google operations need a test's own `google` (see googleSimulatorConnections). Without a client,
 * activities that act on other workflows reach the test dev server over a connection opened on first use.
 */
export function testActivityDependencies(db: TenantScopedDatabase, temporal?: Client): ActivityDependencies {
  const encryption = new EnvelopeEncryption(keyProviderFromEnv());
  const credentials = new CredentialStore(db, encryption);
  const client = temporal ?? new Client({ connection: Connection.lazy({ address: testEnv().temporalAddress }), dataConverter: custodianDataConverter(testPayloadCodec()) });
  return {
    db,
    notifier: createNotifier(db.prisma, {}),
    securityDesk: loadSecurityDeskConfig({}),
    temporal: client,
    credentialRevoker: new ProviderCredentialRevoker({ credentials, googleOAuth: null }),
    // No Atlassian app: a test that deregisters webhooks at the Jira simulator passes its own.
    jiraDisconnection: createJiraDisconnection({ db, temporal: client, encryption, credentials, oauth: null }),
    deletionBatchSize: 500,
    google: new GoogleWorkspaceConnections({ credentials, oauth: null }),
    secrets: new OneTimeSecretStore(db, encryption),
  };
}

/** The real worker (real activities, real database) on the test Temporal server; run() until stopped. */
export async function startTestWorker(
  db: TenantScopedDatabase,
  overrides: Partial<ActivityDependencies> = {},
  taskQueue = CUSTODIAN_TASK_QUEUE,
  /** Where the workflows' and activities' spans go, for a test that traces. */
  tracing?: CustodianWorkerOptions['tracing'],
): Promise<{ worker: Worker; connection: NativeConnection; stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: testEnv().temporalAddress });
  const temporal = await temporalClient();
  const worker = await createCustodianWorker({
    connection,
    namespace: 'default',
    taskQueue,
    dependencies: { ...testActivityDependencies(db, temporal.client), ...overrides },
    payloadCodec: testPayloadCodec(),
    workflowBundlePath: testEnv().workflowBundle,
    tracing,
  });
  const running = worker.run();
  return {
    worker,
    connection,
    async stop() {
      worker.shutdown();
      await running;
      await temporal.close();
      await connection.close();
    },
  };
}
