import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Client as PgClient } from 'pg';
import { createCustodianWorker } from '../../apps/worker/src/custodian-worker';
import { isPortFree } from '../../libs/config/free-port';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import {
  approvePasswordResetUpdate,
  CUSTODIAN_TASK_QUEUE,
  googleOperationStateQuery,
  googleOperationWorkflowId,
  PASSWORD_RESET_WORKFLOW,
  TENANT_ID_SEARCH_ATTRIBUTE,
  TICKET_REF_SEARCH_ATTRIBUTE,
  type GoogleOperationState,
} from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { custodianDataConverter } from '../../libs/temporal/data-converter';
import { startTemporalCluster, type TemporalCluster } from '../../libs/temporal/temporal-cluster';
import { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from '../../libs/temporal/temporal-server-build';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { connectTenantToGoogle, insertTicket, simulatorOAuth } from '../support/google-workspace';
import { appPrisma, insertTenant, ownerConnection, superuserConnection, testActivityDependencies, testEnv, testPayloadCodec } from '../support/test-environment';

const DOMAIN = 'acme.example';
const AGENT = 'api-key:agent-amy';
const AGENT_ID = 'api-key:3f0c7d51-0a52-4c1e-9b1e-5c1d2f7e8a90';
const MANAGER_ID = 'api-key:00000000-0000-4000-8000-0000000000a2';
/** Not "temporal": a cluster of this run's own beside any other on the test PostgreSQL. */
const ROLE = 'temporal_cluster_test';

interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * The production shape without Docker: the pinned Temporal server with persistence and visibility on the test
 * run's PostgreSQL, and two Custodian workers on one task queue, running a real password reset against the
 * Google simulator.
 */
describe(`Temporal cluster (go.temporal.io/server ${TEMPORAL_SERVER_VERSION} on PostgreSQL)`, () => {
  let dir: string;
  let cluster: TemporalCluster | undefined;
  let google: GoogleWorkspaceSimulator;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let credentials: CredentialStore;
  const workers: RunningWorker[] = [];
  const connections: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    // A clean checkout builds the server from source first (minutes, once).
    await ensureTemporalServer({ log: (line) => console.log(line) });
    dir = await mkdtemp(join(tmpdir(), 'custodian-temporal-cluster-'));
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    credentials = new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv()));
  }, 30 * 60_000);

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    for (const connection of connections) await connection.close();
    await cluster?.stop();
    await owner?.end();
    await prisma?.$disconnect();
    await google?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function clusterClient(address: string): Promise<Client> {
    const connection = await Connection.connect({ address });
    connections.push(connection);
    return new Client({ connection, dataConverter: custodianDataConverter(testPayloadCodec()) });
  }

  /** The product's worker (real activities over the test database), on the cluster. */
  async function startWorker(address: string, client: Client): Promise<RunningWorker & { worker: Worker }> {
    const connection = await NativeConnection.connect({ address });
    const worker = await createCustodianWorker({
      connection,
      namespace: 'default',
      taskQueue: CUSTODIAN_TASK_QUEUE,
      dependencies: {
        ...testActivityDependencies(db, client),
        google: new GoogleWorkspaceConnections({ credentials, oauth: simulatorOAuth(google), apiRootUrl: google.rootUrl }),
      },
      payloadCodec: testPayloadCodec(),
      workflowBundlePath: testEnv().workflowBundle,
    });
    const running = worker.run();
    let stopped: Promise<void> | undefined;
    const handle = {
      worker,
      stop: () =>
        (stopped ??= (async () => {
          worker.shutdown();
          await running;
          await connection.close();
        })()),
    };
    workers.push(handle);
    return handle;
  }

  /** A password reset for a ticket, started as the API starts it (with the tenant's and the ticket's search attributes). */
  async function startReset(client: Client, tenantId: string, ticketRef: string, userEmail: string) {
    await insertTicket(db, tenantId, ticketRef, 'password_reset');
    return client.workflow.start(PASSWORD_RESET_WORKFLOW, {
      workflowId: googleOperationWorkflowId('password-reset', tenantId, ticketRef),
      taskQueue: CUSTODIAN_TASK_QUEUE,
      args: [{ tenantId, ticketRef, requestedBy: AGENT, requesterId: AGENT_ID, userEmail, signOut: false }],
      typedSearchAttributes: [
        { key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId },
        { key: TICKET_REF_SEARCH_ATTRIBUTE, value: ticketRef },
      ],
    });
  }

  it('keeps its data in PostgreSQL, hands a waiting workflow from one worker to the other, and stops for good', async () => {
    cluster = await startTemporalCluster({ postgresSuperuserUrl: testEnv().superuserUrl, dataDir: dir, databaseRole: ROLE });
    expect(cluster.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(cluster.version).toBe(TEMPORAL_SERVER_VERSION);
    // The config names the database password, so only we may read it.
    expect((await stat(join(dir, 'config.yaml'))).mode & 0o077).toBe(0);
    expect(await readFile(join(dir, 'config.yaml'), 'utf8')).toContain('pluginName: "postgres12"');

    const client = await clusterClient(cluster.address);
    const tenantId = await insertTenant(owner);
    await connectTenantToGoogle(credentials, google, tenantId, DOMAIN);

    // Worker A takes the reset of an administrator, which waits for a manager's approval.
    const workerA = await startWorker(cluster.address, client);
    const handle = await startReset(client, tenantId, 'CT-000001', `helpdesk@${DOMAIN}`);
    let state: GoogleOperationState;
    do state = await handle.query(googleOperationStateQuery);
    while (state.step === 'checking_user');
    expect(state.step).toBe('awaiting_approval');

    // Worker B joins the same task queue; both serve a second reset while they run side by side.
    const workerB = await startWorker(cluster.address, client);
    const unattended = await startReset(client, tenantId, 'CT-000002', `jane@${DOMAIN}`);
    expect(((await unattended.result()) as GoogleOperationState).step).toBe('completed');

    // A goes away; the approval reaches the waiting workflow through B, which rebuilds it from the stored history.
    await workerA.stop();
    const approved = await handle.executeUpdate(approvePasswordResetUpdate, { args: [{ tenantId, decidedBy: AGENT, deciderId: MANAGER_ID, role: 'manager' }] });
    expect(approved.approvedBy).toBe(AGENT);
    expect(((await handle.result()) as GoogleOperationState).step).toBe('completed');
    expect(google.passwordsSet.filter((set) => set.userKey === `helpdesk@${DOMAIN}`)).toEqual([expect.objectContaining({ changePasswordAtNextLogin: true })]);
    expect(google.passwordsSet.filter((set) => set.userKey === `jane@${DOMAIN}`)).toHaveLength(1);
    await workerB.stop();

    // Persistence and visibility are PostgreSQL: the workflows are rows in the cluster's own databases, and the
    // tenant's search attribute finds them.
    const superuser = await superuserConnection();
    try {
      const databases = await superuser.query('SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname LIKE $1 ORDER BY datname', [`${ROLE}%`]);
      expect(databases.rows).toEqual([
        { datname: ROLE, owner: ROLE },
        { datname: `${ROLE}_visibility`, owner: ROLE },
      ]);
    } finally {
      await superuser.end();
    }
    expect(await eventually(() => client.workflow.count(`TenantId = '${tenantId}'`), ({ count }) => count === 2)).toMatchObject({ count: 2 });

    const { address, pid } = cluster;
    const port = Number(address.split(':')[1]);
    await cluster.stop();
    cluster = undefined;
    expect(isAlive(pid)).toBe(false);
    expect(await isPortFree(port)).toBe(true);

    // Started again on the same data folder, it answers where its clients already point, with what it stored.
    cluster = await startTemporalCluster({ postgresSuperuserUrl: testEnv().superuserUrl, dataDir: dir, databaseRole: ROLE });
    expect(cluster.address).toBe(address);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    await cluster.stop();
    cluster = undefined;
  }, 5 * 60_000);
});

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
