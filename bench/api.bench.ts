import 'reflect-metadata';
import { Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { createOperatorKey } from '../apps/api/src/auth/operator-key-issuer';
import { createApiApp } from '../apps/api/src/create-api-app';
import { ApiMetrics } from '../apps/api/src/metrics/api-metrics';
import { createApiTemporalClient } from '../apps/api/src/platform/api-temporal-client';
import { createCustodianWorker } from '../apps/worker/src/custodian-worker';
import { AuditHeadSigner } from '../libs/audit/audit-head-signer';
import { loadAppConfig } from '../libs/config/app-config';
import { repoRoot } from '../libs/config/repo-root';
import { createNotifier } from '../libs/connectors/email';
import { CredentialStore } from '../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../libs/connectors/google/google-workspace-connections';
import { ProviderCredentialRevoker } from '../libs/connectors/provider-credential-revoker';
import { EnvelopeEncryption } from '../libs/crypto/envelope-encryption';
import { LocalKeyProvider } from '../libs/crypto/local-key-provider';
import { createPrismaClient, TenantScopedDatabase } from '../libs/db';
import { startEmbeddedPostgres } from '../libs/db/embedded-postgres';
import { runMigrations } from '../libs/db/migration-runner';
import { createJiraDisconnection } from '../libs/jira-lifecycle/jira-disconnection';
import { OneTimeSecretStore } from '../libs/secrets/one-time-secret-store';
import { loadSecurityDeskConfig } from '../libs/security/security-desk-config';
import { startTemporalDevServer } from '../libs/temporal/dev-server';
import { PayloadEncryptionCodec } from '../libs/temporal/payload-codec';
import { ensureSearchAttributes } from '../libs/temporal/search-attribute-registration';
import { TicketAttachmentStore } from '../libs/tickets/ticket-attachment-store';
import { BareAuthenticatedRouteModule } from './bare-authenticated-route';

/**
 * The ticket routes under load, beside a bare route behind the same authentication, in one process and one run:
 * autocannon against POST /v1/tickets, GET /v1/tickets/:ref and GET /bench/bare, at a fixed rate and then at the
 * highest rate the machine gives, with the requests spread over BENCH_TENANTS tenants and then all in one.
 * The API runs as `npm start` runs it (embedded PostgreSQL, pool of 10, the worker triaging every ticket), against
 * the Temporal dev server, or the Temporal at TEMPORAL_ADDRESS (a cluster). The last line is
 * `ratio <bare p99 / ours p99 at the fixed rate>`, for the worse route and tenant spread.
 */
const RATE = Number(process.env.BENCH_RATE ?? 200);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 30);
const MAX_DURATION_S = Number(process.env.BENCH_MAX_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 10);
/** Triage of every ticket a run created must finish before the next run starts, or the backlog taints it. */
const DRAIN_TIMEOUT_MS = 180_000;

type RouteName = 'bare' | 'GET ticket' | 'POST ticket';

interface Measured {
  tenants: number;
  route: RouteName;
  asked: number | 'max';
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

interface Tenant {
  id: string;
  key: string;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-api-'));
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const postgres = await startEmbeddedPostgres({ baseDir: join(dir, 'postgres'), temporary: true });
    stops.unshift(() => postgres.stop());
    await runMigrations(postgres.ownerUrl, join(repoRoot(), 'prisma', 'migrations'));
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const devServer = await startTemporalDevServer({ dbFilename: join(dir, 'temporal.db'), namespace, headless: true });
      stops.unshift(() => devServer.stop());
      temporalAddress = devServer.address;
    }
    // A queue of its own, so workers of a shared cluster never take this run's tickets (they know not its database).
    const taskQueue = process.env.TEMPORAL_TASK_QUEUE ?? `bench-api-${randomUUID().slice(0, 8)}`;

    const keyProvider = new LocalKeyProvider({ path: join(dir, 'keys', 'kek.json') });
    const payloadCodec = new PayloadEncryptionCodec({ keyProvider });
    const encryption = new EnvelopeEncryption(keyProvider);
    const config = loadAppConfig({
      ...process.env,
      DATABASE_URL: postgres.appUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });

    // The API's side, as apps/api/src/main.ts builds it.
    const apiPrisma = createPrismaClient(postgres.appUrl);
    stops.unshift(() => apiPrisma.$disconnect());
    const apiDb = new TenantScopedDatabase(apiPrisma, { auditHeads: new AuditHeadSigner(keyProvider) });
    const clientConnection = await Connection.connect({ address: temporalAddress });
    stops.unshift(() => clientConnection.close());
    if (process.env.TEMPORAL_ADDRESS) await ensureSearchAttributes(clientConnection, namespace, { log: () => undefined });
    const metrics = new ApiMetrics();
    const temporal = createApiTemporalClient({ connection: clientConnection, namespace, payloadCodec, metrics });
    const credentials = new CredentialStore(apiDb, encryption);
    const app = await createApiApp(
      {
        config,
        db: apiDb,
        temporal,
        payloadCodec,
        credentials,
        secrets: new OneTimeSecretStore(apiDb, encryption),
        attachments: new TicketAttachmentStore(apiDb, encryption),
        encryption,
        metrics,
      },
      { extraModules: [BareAuthenticatedRouteModule] },
    );
    await app.listen(0, '127.0.0.1');
    stops.unshift(() => app.close());
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    // The worker's side, as apps/worker/src/main.ts builds it (its own pool), triaging every ticket.
    const workerPrisma = createPrismaClient(postgres.appUrl);
    stops.unshift(() => workerPrisma.$disconnect());
    const workerDb = new TenantScopedDatabase(workerPrisma, { auditHeads: new AuditHeadSigner(keyProvider) });
    const workerCredentials = new CredentialStore(workerDb, encryption);
    const workerClient = createApiTemporalClient({ connection: clientConnection, namespace, payloadCodec, metrics: new ApiMetrics() });
    const workerConnection = await NativeConnection.connect({ address: temporalAddress });
    stops.unshift(() => workerConnection.close());
    const worker: Worker = await createCustodianWorker({
      connection: workerConnection,
      namespace,
      taskQueue,
      payloadCodec,
      workflowBundlePath: join(repoRoot(), 'dist', 'workflow-bundle.js'),
      dependencies: {
        db: workerDb,
        notifier: createNotifier(workerPrisma, {}),
        securityDesk: loadSecurityDeskConfig({}),
        temporal: workerClient,
        credentialRevoker: new ProviderCredentialRevoker({ credentials: workerCredentials, googleOAuth: null }),
        jiraDisconnection: createJiraDisconnection({ db: workerDb, temporal: workerClient, encryption, credentials: workerCredentials, oauth: null }),
        deletionBatchSize: 500,
        google: new GoogleWorkspaceConnections({ credentials: workerCredentials, oauth: null }),
        secrets: new OneTimeSecretStore(workerDb, encryption),
      },
    });
    const workerRun = worker.run();
    stops.unshift(async () => {
      worker.shutdown();
      await workerRun;
    });

    const owner = new PgClient({ connectionString: postgres.ownerUrl });
    await owner.connect();
    stops.unshift(() => owner.end());
    const { key: operatorKey } = await createOperatorKey(postgres.ownerUrl, 'bench-api');
    const tenants: Tenant[] = [];
    for (let index = 0; index < TENANTS; index++) tenants.push(await createTenant(baseUrl, operatorKey, `bench-${index}`));

    const drain = async () => {
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      for (;;) {
        let waiting = 0;
        // Row-level security binds the owner too: count tenant by tenant, in each one's context.
        for (const tenant of tenants) {
          await owner.query('BEGIN');
          await owner.query("SELECT set_config('app.tenant_id', $1, true)", [tenant.id]);
          const { rows } = await owner.query<{ waiting: string }>(`SELECT count(*) AS waiting FROM tickets WHERE status = 'new'`);
          await owner.query('COMMIT');
          waiting += Number(rows[0].waiting);
        }
        if (waiting === 0) return;
        if (Date.now() > deadline) throw new Error(`${waiting} tickets still untriaged after ${DRAIN_TIMEOUT_MS / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const lastNumbers = async (spread: Tenant[]) => {
      const { rows } = await owner.query<{ id: string; last: number }>('SELECT id::text AS id, last_ticket_number AS last FROM tenants WHERE id = ANY($1::uuid[])', [spread.map((tenant) => tenant.id)]);
      return new Map(rows.map((row) => [row.id, row.last]));
    };

    const results: Measured[] = [];
    for (const spread of [tenants, tenants.slice(0, 1)]) {
      const run = async (route: RouteName, asked: number | 'max') => {
        const numbers = route === 'GET ticket' ? await lastNumbers(spread) : undefined;
        const request = requestFor(route, spread, numbers);
        const measured = await load(baseUrl, request, asked === 'max' ? undefined : asked, asked === 'max' ? MAX_DURATION_S : DURATION_S);
        results.push({ tenants: spread.length, route, asked, ...measured });
        console.log(line(results[results.length - 1]));
        if (route === 'POST ticket') await drain();
      };
      // Warm-up: compiled queries, connections, JIT; and triaged tickets for the first GETs.
      for (const route of ['bare', 'POST ticket', 'GET ticket'] as const) {
        await load(baseUrl, requestFor(route, spread, route === 'GET ticket' ? await lastNumbers(spread) : undefined), 50, 3);
        if (route === 'POST ticket') await drain();
      }
      for (const asked of [RATE, 'max'] as const) {
        await run('bare', asked);
        await run('POST ticket', asked);
        await run('GET ticket', asked);
      }
    }

    console.log(`Custodian API, in-process autocannon, ${CONNECTIONS} connections, ${DURATION_S} s at ${RATE}/s and ${MAX_DURATION_S} s at the highest rate; Temporal ${process.env.TEMPORAL_ADDRESS ? `at ${temporalAddress}` : 'dev server (SQLite)'}; embedded PostgreSQL`);
    for (const result of results) console.log(line(result));
    const atRate = results.filter((result) => result.asked === RATE);
    const ratios = atRate
      .filter((result) => result.route !== 'bare')
      .map((result) => atRate.find((bare) => bare.route === 'bare' && bare.tenants === result.tenants)!.p99 / result.p99);
    console.log(`ratio ${Math.min(...ratios).toFixed(2)}`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function createTenant(baseUrl: string, operatorKey: string, slug: string): Promise<Tenant> {
  const response = await fetch(`${baseUrl}/v1/tenants`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${operatorKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ slug: `${slug}-${randomUUID().slice(0, 8)}`, name: `${slug} LLP` }),
  });
  if (response.status !== 201) throw new Error(`creating a tenant answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { tenant: { id: string }; adminApiKey: { key: string } };
  return { id: body.tenant.id, key: body.adminApiKey.key };
}

/** One autocannon request whose tenant (and, for POST, Idempotency-Key; for GET, ticket) changes with every call. */
function requestFor(route: RouteName, spread: Tenant[], lastNumbers?: Map<string, number>): autocannon.Request {
  let next = 0;
  const tenant = () => spread[next++ % spread.length];
  const ticket = JSON.stringify({ summary: 'Cannot sign in to mail', requester: 'jane@acme.example', priority: 'high' });
  return {
    setupRequest: (request) => {
      const caller = tenant();
      const headers: Record<string, string> = { authorization: `Bearer ${caller.key}` };
      if (route === 'bare') return { ...request, method: 'GET', path: '/bench/bare', headers };
      if (route === 'POST ticket') {
        return { ...request, method: 'POST', path: '/v1/tickets', headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: ticket };
      }
      const last = lastNumbers?.get(caller.id) ?? 0;
      if (last === 0) throw new Error('GET needs tickets: run POST first');
      const number = 1 + Math.floor(Math.random() * last);
      return { ...request, method: 'GET', path: `/v1/tickets/CT-${String(number).padStart(6, '0')}`, headers };
    },
  };
}

async function load(baseUrl: string, request: autocannon.Request, rate: number | undefined, seconds: number): Promise<Omit<Measured, 'tenants' | 'route' | 'asked'>> {
  const result = await autocannon({ url: baseUrl, connections: CONNECTIONS, duration: seconds, overallRate: rate, requests: [request], timeout: 10 });
  return {
    perSecond: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function line(result: Measured): string {
  const asked = result.asked === 'max' ? 'max' : `${result.asked}/s`;
  return `${String(result.tenants).padStart(2)} tenant(s)  ${result.route.padEnd(11)}  asked ${asked.padStart(6)}  got ${result.perSecond.toFixed(0).padStart(4)}/s  p50 ${result.p50.toFixed(0).padStart(5)} ms  p99 ${result.p99.toFixed(0).padStart(5)} ms  errors ${result.errors}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
