import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { createCustodianWorker } from '../apps/worker/src/custodian-worker';
import { repoRoot } from '../libs/config/repo-root';
import { createNotifier } from '../libs/connectors/email';
import { CredentialStore } from '../libs/connectors/credential-store';
import { GoogleOAuth } from '../libs/connectors/google/google-oauth';
import { GoogleWorkspaceConnections } from '../libs/connectors/google/google-workspace-connections';
import { ProviderCredentialRevoker } from '../libs/connectors/provider-credential-revoker';
import { CUSTODIAN_TASK_QUEUE, googleOperationWorkflowId, PASSWORD_RESET_WORKFLOW, type PasswordResetInput } from '../libs/contracts';
import { EnvelopeEncryption } from '../libs/crypto/envelope-encryption';
import { LocalKeyProvider } from '../libs/crypto/local-key-provider';
import { Secret } from '../libs/crypto/secret';
import { createPrismaClient, TenantScopedDatabase } from '../libs/db';
import { startEmbeddedPostgres } from '../libs/db/embedded-postgres';
import { runMigrations } from '../libs/db/migration-runner';
import { createJiraDisconnection } from '../libs/jira-lifecycle/jira-disconnection';
import { OneTimeSecretStore } from '../libs/secrets/one-time-secret-store';
import { loadSecurityDeskConfig } from '../libs/security/security-desk-config';
import { startTemporalDevServer } from '../libs/temporal/dev-server';
import { custodianDataConverter } from '../libs/temporal/data-converter';
import { PayloadEncryptionCodec } from '../libs/temporal/payload-codec';
import { startGoogleWorkspaceSimulator } from '../test/fakes/google/google-workspace-simulator';

/**
 * Password resets completed end to end (Temporal, PostgreSQL, envelope encryption, the googleapis client
 * against the Workspace simulator over HTTP) against a bare Temporal workflow running the same number of
 * no-op activities, on the same dev server in the same run, with the same payload codec and concurrency.
 * Prints throughput and p50/p99 latency of each; the last line is `ratio <ours/bare throughput>`.
 */
const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 10);
const ROUNDS = 4;
const WARMUP = 30;
/** A reset with sign-out runs four activities: look up, set password, sign out, record on the ticket. */
const ACTIVITIES_PER_RESET = 4;
const DOMAIN = 'bench.example';
const BARE_QUEUE = 'bench-bare';

interface Samples {
  count: number;
  seconds: number;
  latencies: number[];
}

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-'));
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const postgres = await startEmbeddedPostgres({ baseDir: join(dir, 'postgres'), temporary: true });
    stops.unshift(() => postgres.stop());
    await runMigrations(postgres.ownerUrl, join(repoRoot(), 'prisma', 'migrations'));
    const temporal = await startTemporalDevServer({ dbFilename: join(dir, 'temporal.db'), headless: true });
    stops.unshift(() => temporal.stop());
    const google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    stops.unshift(() => google.stop());

    const prisma = createPrismaClient(postgres.appUrl, { poolSize: 10 });
    stops.unshift(() => prisma.$disconnect());
    const db = new TenantScopedDatabase(prisma);
    const keyProvider = new LocalKeyProvider({ path: join(dir, 'keys', 'kek.json') });
    const encryption = new EnvelopeEncryption(keyProvider);
    const credentials = new CredentialStore(db, encryption);
    const codec = new PayloadEncryptionCodec({ keyProvider });
    const oauth = new GoogleOAuth({
      clientId: google.oauthClient.clientId,
      clientSecret: new Secret(google.oauthClient.clientSecret),
      redirectUri: 'http://127.0.0.1:1/v1/integrations/google/callback',
      endpoints: google.oauthEndpoints,
    });

    // Many firms, as in production: each tenant's audit trail is one hash chain, written one event at a time.
    const tenants = Array.from({ length: TENANTS }, () => randomUUID());
    const owner = new PgClient({ connectionString: postgres.ownerUrl });
    await owner.connect();
    try {
      for (const [index, id] of tenants.entries()) {
        await owner.query('BEGIN');
        await owner.query("SELECT set_config('app.tenant_id', $1, true)", [id]);
        await owner.query('INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)', [id, `bench-${index}`, `Bench ${index} LLP`]);
        await owner.query('COMMIT');
      }
    } finally {
      await owner.end();
    }
    const refs = Array.from({ length: WARMUP + WORKFLOWS }, (_, index) => ({ tenantId: tenants[index % TENANTS], ticketRef: `CT-${String(index + 1).padStart(6, '0')}` }));
    for (const tenantId of tenants) {
      const issued = google.issueTokens();
      await credentials.save(tenantId, 'google', DOMAIN, { accessToken: new Secret(issued.accessToken), refreshToken: new Secret(issued.refreshToken), expiresAt: issued.expiresAt, scopes: issued.scopes }, 'bench');
      await db.withTenant(tenantId, (tx) =>
        tx.ticket.createMany({
          data: refs
            .filter((ref) => ref.tenantId === tenantId)
            .map(({ ticketRef }) => ({ tenantId, ref: ticketRef, type: 'password_reset', status: 'triaged', summary: 'bench', priority: 'normal', requester: `jane@${DOMAIN}`, workflowId: `ticket/${ticketRef}` })),
        }),
      );
    }

    const clientConnection = await Connection.connect({ address: temporal.address });
    stops.unshift(() => clientConnection.close());
    const client = new Client({ connection: clientConnection, dataConverter: custodianDataConverter(codec) });
    const workerConnection = await NativeConnection.connect({ address: temporal.address });
    stops.unshift(() => workerConnection.close());
    const ours = await createCustodianWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue: CUSTODIAN_TASK_QUEUE,
      payloadCodec: codec,
      workflowBundlePath: join(repoRoot(), 'dist', 'workflow-bundle.js'),
      dependencies: {
        db,
        notifier: createNotifier(prisma, {}),
        securityDesk: loadSecurityDeskConfig({}),
        temporal: client,
        credentialRevoker: new ProviderCredentialRevoker({ credentials, googleOAuth: oauth }),
        jiraDisconnection: createJiraDisconnection({ db, temporal: client, encryption, credentials, oauth: null }),
        deletionBatchSize: 500,
        google: new GoogleWorkspaceConnections({ credentials, oauth, apiRootUrl: google.rootUrl }),
        secrets: new OneTimeSecretStore(db, encryption),
      },
    });
    const bare = await Worker.create({
      connection: workerConnection,
      namespace: 'default',
      taskQueue: BARE_QUEUE,
      workflowsPath: require.resolve('./bare-activities.workflow'),
      activities: { noop: async () => undefined },
      dataConverter: custodianDataConverter(codec),
    });

    let next = 0;
    const reset = (index: number) => {
      const { tenantId, ticketRef } = refs[index];
      const input: PasswordResetInput = { tenantId, ticketRef, userEmail: `jane@${DOMAIN}`, requestedBy: 'bench', requesterId: 'bench', signOut: true };
      return client.workflow.execute(PASSWORD_RESET_WORKFLOW, { workflowId: googleOperationWorkflowId('password-reset', tenantId, ticketRef), taskQueue: CUSTODIAN_TASK_QUEUE, args: [input] });
    };
    const noops = (index: number) =>
      client.workflow.execute('bareActivitiesWorkflow', { workflowId: `bare/${index}`, taskQueue: BARE_QUEUE, args: [ACTIVITIES_PER_RESET] });

    const results = await Promise.all([ours.run(), bare.run(), (async () => {
      try {
        await measure(WARMUP, () => reset(next++));
        await measure(WARMUP, (index) => noops(-1 - index));

        // Alternating rounds, so neither side gets the fresher server (the dev server's SQLite grows as it goes).
        const bareRounds: Samples[] = [];
        const ourRounds: Samples[] = [];
        let bareIndex = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const size = Math.round(WORKFLOWS / ROUNDS);
          const runBare = async () => bareRounds.push(await measure(size, () => noops(bareIndex++)));
          const runOurs = async () => ourRounds.push(await measure(size, () => reset(next++)));
          if (round % 2 === 0) await runBare().then(runOurs);
          else await runOurs().then(runBare);
        }
        const bareRun = summary(bareRounds);
        const ourRun = summary(ourRounds);
        if (google.passwordsSet.some((set) => set.changePasswordAtNextLogin !== true)) throw new Error('a password was set without changePasswordAtNextLogin');
        return { bareRun, ourRun };
      } finally {
        ours.shutdown();
        bare.shutdown();
      }
    })()]);
    const { bareRun, ourRun } = results[2];
    console.log(`${WORKFLOWS} workflows each, ${CONCURRENCY} in flight, ${ACTIVITIES_PER_RESET} activities per workflow, resets spread over ${TENANTS} tenants, one dev server`);
    console.log(`bare Temporal workflow (no-op activities): ${bareRun.perSecond.toFixed(1)} workflows/s, p50 ${bareRun.p50.toFixed(0)} ms, p99 ${bareRun.p99.toFixed(0)} ms`);
    console.log(`password reset (PostgreSQL, encryption, googleapis -> simulator): ${ourRun.perSecond.toFixed(1)} workflows/s, p50 ${ourRun.p50.toFixed(0)} ms, p99 ${ourRun.p99.toFixed(0)} ms`);
    console.log(`p50 latency ours/bare ${(ourRun.p50 / bareRun.p50).toFixed(2)}, p99 latency ours/bare ${(ourRun.p99 / bareRun.p99).toFixed(2)}`);
    console.log(`ratio ${(ourRun.perSecond / bareRun.perSecond).toFixed(2)}`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `count` workflows with CONCURRENCY in flight; wall time of the batch, latency of each workflow. */
async function measure(count: number, runOne: (index: number) => Promise<unknown>): Promise<Samples> {
  const latencies: number[] = [];
  let started = 0;
  const began = performance.now();
  const lane = async () => {
    while (started < count) {
      const index = started++;
      const at = performance.now();
      await runOne(index);
      latencies.push(performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, lane));
  return { count, seconds: (performance.now() - began) / 1000, latencies };
}

/** Throughput over all rounds together, latency quantiles over every workflow of them. */
function summary(rounds: Samples[]): Run {
  const latencies = rounds.flatMap((round) => round.latencies).sort((a, b) => a - b);
  const at = (quantile: number) => latencies[Math.min(latencies.length - 1, Math.floor(quantile * latencies.length))];
  const count = rounds.reduce((sum, round) => sum + round.count, 0);
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  return { perSecond: count / seconds, p50: at(0.5), p99: at(0.99) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
