import { Client, Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOperatorKey } from '../apps/api/src/auth/operator-key-issuer';
import { freePort } from '../libs/config/free-port';
import { repoRoot } from '../libs/config/repo-root';
import { CUSTODIAN_TASK_QUEUE, JIRA_SYNC_CONCURRENCY, jiraSyncStatusQuery, jiraSyncWorkflowId } from '../libs/contracts';
import { EnvelopeEncryption } from '../libs/crypto/envelope-encryption';
import { LocalKeyProvider } from '../libs/crypto/local-key-provider';
import { createPrismaClient, TenantScopedDatabase } from '../libs/db';
import { startEmbeddedPostgres } from '../libs/db/embedded-postgres';
import { runMigrations } from '../libs/db/migration-runner';
import { JiraSyncSignals } from '../libs/jira-sync/jira-sync-signals';
import { JiraSyncStateStore } from '../libs/jira-sync/jira-sync-state-store';
import { startTemporalDevServer } from '../libs/temporal/dev-server';
import { custodianDataConverter } from '../libs/temporal/data-converter';
import { PayloadEncryptionCodec } from '../libs/temporal/payload-codec';
import { startJiraCloudSimulator } from '../test/fakes/jira/jira-cloud-simulator';
import { webhookIngest } from './webhook-ingest-load';
import { jiraSyncSettings } from '../test/support/jira-sync-settings';

/**
 * The first backfill of a Jira site against Jira's request-rate limit: the simulator holds ISSUES issues in
 * three projects and answers 429 + Retry-After beyond RATE requests per second. The tenant connects through the
 * real OAuth flow (connect URL, the simulator's consent redirect, our callback), configures the three projects,
 * and the real API, worker and sync workflow backfill until every issue is linked to a ticket. The floor is the
 * requests the run needed (the simulator's log of the run, 429s left out) over the allowed rate: no client can
 * finish sooner. Then webhook ingest: deliveries POSTed to the API's endpoint at a fixed rate, latency of the
 * answer. The last line is `ratio <floor/ours>`.
 */
const ISSUES = Number(process.env.BENCH_ISSUES ?? 10_000);
// Atlassian publishes no per-second figure for OAuth 2.0 (3LO) apps, whose calls count against an app + user
// budget; its rate-limiting guide sizes such a budget at 10 calls a second in its worked example.
const RATE = Number(process.env.BENCH_RATE ?? 10);
const WEBHOOKS_PER_SECOND = Number(process.env.BENCH_WEBHOOKS_PER_SECOND ?? 200);
const WEBHOOK_SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const PROJECTS = [
  { id: '10000', key: 'HR', name: 'People operations' },
  { id: '10001', key: 'IT', name: 'IT service desk' },
  { id: '10002', key: 'SEC', name: 'Security' },
];

const SETTINGS = jiraSyncSettings({ projectKeys: PROJECTS.map((project) => project.key), fields: { issuetype: { direction: 'from-jira' } }, assigneeByEmail: true });

async function main(): Promise<void> {
  const report: string[] = [];
  const logs: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-'));
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const postgres = await startEmbeddedPostgres({ baseDir: join(dir, 'postgres'), temporary: true });
    stops.unshift(() => postgres.stop());
    await runMigrations(postgres.ownerUrl, join(repoRoot(), 'prisma', 'migrations'));
    const temporal = await startTemporalDevServer({ dbFilename: join(dir, 'temporal.db'), headless: true });
    stops.unshift(() => temporal.stop());

    const jira = await startJiraCloudSimulator({ sites: [{ name: 'acme', projects: PROJECTS }] });
    stops.unshift(() => jira.stop());
    for (const [index, project] of PROJECTS.entries()) {
      const count = Math.floor(ISSUES / PROJECTS.length) + (index < ISSUES % PROJECTS.length ? 1 : 0);
      jira.site.seedIssues(project.key, count, jira.people[0].accountId);
    }

    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    // The API and the worker as `npm start` runs them: their own processes, configured by the environment.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: postgres.appUrl,
      TEMPORAL_ADDRESS: temporal.address,
      PORT: String(port),
      HOST: '127.0.0.1',
      API_PUBLIC_URL: apiUrl,
      LOG_LEVEL: 'warn',
      CUSTODIAN_KEY_FILE: join(dir, 'keys', 'kek.json'),
      JIRA_CLIENT_ID: jira.oauthClient.clientId,
      JIRA_CLIENT_SECRET: jira.oauthClient.clientSecret,
      JIRA_AUTH_BASE_URL: jira.authBaseUrl,
      JIRA_API_BASE_URL: jira.apiBaseUrl,
    };
    delete env.DATABASE_OWNER_URL;
    delete env.KMS_KEY_ID;
    const worker = launch('worker', join(repoRoot(), 'dist', 'apps', 'worker', 'src', 'main.js'), env, logs);
    stops.unshift(() => worker.stop());
    const api = launch('api', join(repoRoot(), 'dist', 'apps', 'api', 'src', 'main.js'), env, logs);
    stops.unshift(() => api.stop());
    await waitForHealth(apiUrl, logs);

    // The benchmark's own view: the database (to count links) and Temporal (to start and watch the sync).
    const keyProvider = new LocalKeyProvider({ path: env.CUSTODIAN_KEY_FILE! });
    const prisma = createPrismaClient(postgres.appUrl, { poolSize: 2 });
    stops.unshift(() => prisma.$disconnect());
    const db = new TenantScopedDatabase(prisma);
    const clientConnection = await Connection.connect({ address: temporal.address });
    stops.unshift(() => clientConnection.close());
    const client = new Client({ connection: clientConnection, dataConverter: custodianDataConverter(new PayloadEncryptionCodec({ keyProvider })) });
    const signals = new JiraSyncSignals(client, CUSTODIAN_TASK_QUEUE);
    const states = new JiraSyncStateStore(db, new EnvelopeEncryption(keyProvider));

    // An operator creates the tenant; its admin connects Jira as a browser would and configures the projects.
    const { key: operatorKey } = await createOperatorKey(postgres.ownerUrl, 'bench-operator');
    const created = await call(apiUrl, 'POST', '/v1/tenants', operatorKey, { slug: 'bench', name: 'Bench LLP' });
    const tenantId: string = created.tenant.id;
    const adminKey: string = created.adminApiKey.key;
    stops.unshift(() => client.workflow.getHandle(jiraSyncWorkflowId(tenantId)).terminate('benchmark over').catch(() => undefined));
    const { consentUrl } = await call(apiUrl, 'GET', '/v1/integrations/jira/connect', adminKey);
    const consent = await fetch(consentUrl, { redirect: 'manual' });
    const callback = consent.headers.get('location');
    if (consent.status !== 302 || !callback) throw new Error(`the simulator refused the consent (${consent.status})`);
    const connected = await fetch(callback);
    if (!connected.ok) throw new Error(`the Jira connection failed (${connected.status}): ${await connected.text()}`);
    await call(apiUrl, 'POST', '/v1/jira/sync-configs', adminKey, SETTINGS);

    // The backfill: from the first reconciliation tick (what the Schedule sends) until the watermark moves.
    jira.rateLimit.enable(RATE);
    const firstRequest = jira.requests.length;
    const began = performance.now();
    let lastProgress = began;
    await signals.tick(tenantId, 'reconcile');
    const handle = client.workflow.getHandle(jiraSyncWorkflowId(tenantId));
    const linkedCount = async () => Number((await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM jira_issue_links`))[0].n);
    for (;;) {
      // Polled often: at 100 requests a second the floor is about a second.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const state = await states.get(tenantId);
      if (state?.watermark) break;
      const status = await handle.query(jiraSyncStatusQuery).catch(() => undefined);
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        console.error(`${((lastProgress - began) / 1000).toFixed(0)} s: ${await linkedCount()} issues linked, ${jira.rateLimit.refused} requests refused with 429`);
      }
      if (status && status.counters.failures > 0) throw new Error(`the backfill failed issues: ${status.lastError}`);
    }
    const ours = (performance.now() - began) / 1000;
    const status = await handle.query(jiraSyncStatusQuery);
    const linked = await linkedCount();
    const backfillRequests = jira.requests.slice(firstRequest).filter((request) => request.path.startsWith('/ex/jira/'));
    const refused = jira.rateLimit.refused;
    const needed = backfillRequests.length - refused;
    jira.rateLimit.disable();

    const byRoute = new Map<string, number>();
    for (const request of backfillRequests) {
      const route = `${request.method} ${request.path.replace(/^\/ex\/jira\/[^/]+\/rest\/api\/3/, '').replace(/\/[A-Z][A-Z0-9_]*-\d+/, '/{key}')}`;
      byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
    }

    const webhook = jira.webhooks.registered.at(-1);
    if (!webhook) throw new Error('the sync registered no webhook');
    const latencies = await webhookIngest({ url: webhook.url, projectKeys: PROJECTS.map((project) => project.key), perSecond: WEBHOOKS_PER_SECOND, seconds: WEBHOOK_SECONDS });
    // Answered deliveries are committed; the sync workflow takes them from the table into its queue.
    const pendingDeliveries = async () => Number((await db.withTenant(tenantId, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM jira_webhook_deliveries WHERE taken_by IS NULL`))[0].n);
    const ingestEnded = performance.now();
    while ((await pendingDeliveries()) > 0 && performance.now() - ingestEnded < 60_000) await new Promise((resolve) => setTimeout(resolve, 50));
    const takenAfter = (performance.now() - ingestEnded) / 1000;
    const stillPending = await pendingDeliveries();

    const floor = needed / RATE;
    report.push(`${ISSUES} issues in ${PROJECTS.length} projects, Jira limit ${RATE} requests/s (429 + Retry-After beyond it), ${JIRA_SYNC_CONCURRENCY} issues in flight per tenant`);
    report.push(`requests the backfill made to Jira (429s excluded): ${needed} = ${[...byRoute].map(([route, count]) => `${count} ${route}`).join(' + ')} - ${refused} answered 429`);
    report.push(`allowed rate: ${RATE} requests/s`);
    report.push(`rate-limit floor: ${needed} / ${RATE} = ${floor.toFixed(1)} s`);
    // For scale, not the ratio: a backfill that reads each issue alone cannot beat this, whatever its database does.
    report.push(`for comparison, one GET per issue on top would need at least ${needed + ISSUES} requests: ${((needed + ISSUES) / RATE).toFixed(1)} s at this rate`);
    report.push(`ours: ${ours.toFixed(1)} s (${(needed / ours).toFixed(1)} admitted requests/s, ${refused} refused with 429)`);
    report.push(`issues linked: ${linked} of ${ISSUES}; failed issues: ${status.counters.failures}`);
    report.push(`webhook ingest at ${WEBHOOKS_PER_SECOND}/s for ${WEBHOOK_SECONDS} s: ${latencies.answered} answered 2xx of ${latencies.sent} (${latencies.transportErrors} connection errors), p50 ${latencies.p50.toFixed(1)} ms, p99 ${latencies.p99.toFixed(1)} ms`);
    report.push(`deliveries taken by the sync workflow: ${stillPending === 0 ? `all, ${takenAfter.toFixed(1)} s after the last was answered` : `${stillPending} still pending after 60 s`}`);
    const crashed = [worker.exitedEarly(), api.exitedEarly()].filter(Boolean);
    if (crashed.length > 0) throw new Error(`${crashed.join('; ')}:\n${report.join('\n')}`);
    if (linked !== ISSUES || status.counters.failures !== 0) throw new Error(`the backfill did not link every issue:\n${report.join('\n')}`);
    report.push(`ratio ${(floor / ours).toFixed(2)}`);
  } catch (error) {
    console.error(logs.slice(-40).join('\n'));
    throw error;
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  // After everything stopped, so the ratio is the last line whatever the servers log on their way out.
  for (const line of report) console.log(line);
}

async function call(apiUrl: string, method: string, path: string, key: string, body?: unknown) {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** A compiled entry point in its own process; its output is kept (and shown only if the benchmark fails). */
function launch(name: string, script: string, env: NodeJS.ProcessEnv, logs: string[]): { stop(): Promise<void>; exitedEarly(): string | undefined } {
  // BENCH_PROFILE_DIR: a CPU profile of each process (open in Chrome DevTools) to see where the time goes.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, ['--enable-source-maps', ...profile, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean).map((line) => `[${name}] ${line}`));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  process.on('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  let stopping = false;
  return {
    /** How the process ended if it did so before the benchmark stopped it. */
    exitedEarly: () => (!stopping && (child.exitCode !== null || child.signalCode !== null) ? `${name} exited (${child.exitCode ?? child.signalCode}) during the run` : undefined),
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitForHealth(apiUrl: string, logs: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (await fetch(`${apiUrl}/health`).then((response) => response.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the API did not become healthy at ${apiUrl}/health:\n${logs.join('\n')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
