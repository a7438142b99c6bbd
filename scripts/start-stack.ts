import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOperatorKey } from '../apps/api/src/auth/operator-key-issuer';
import { preferredOrFreePort } from '../libs/config/free-port';
import { postgresUrl } from '../libs/config/app-config';
import { CUSTODIAN_TASK_QUEUE } from '../libs/contracts';
import { repoRoot } from '../libs/config/repo-root';
import { runMigrations } from '../libs/db/migration-runner';
import { startEmbeddedPostgres } from '../libs/db/embedded-postgres';
import { startTemporalCluster, startTemporalDevServer, startTemporalUiServer } from '../libs/temporal/dev-tools';
import { startGoogleWorkspaceSimulator } from '../test/fakes/google/google-workspace-simulator';
import { startJiraCloudSimulator } from '../test/fakes/jira/jira-cloud-simulator';
import { DEMO_JIRA_SYNC_SETTINGS, ensureDemoJiraSyncConfig } from './demo-jira-sync-config';
import { startBanner } from './start-banner';

// async-exit-hook runs every registered hook on SIGINT/SIGTERM, then exits.
const onExit = require('async-exit-hook') as (hook: (done: () => void) => void) => void;

const root = repoRoot();
const dataDir = join(root, '.data');
/** The demo tenant's Workspace domain on the built-in Google simulator. */
const DEMO_DOMAIN = 'demo.example';
/** The demo Jira site on the built-in Jira Cloud simulator: a fixed cloudId, so restarts keep naming the same site. */
const DEMO_JIRA_CLOUD_ID = 'de300de3-0000-4000-8000-00000000ca5e';

interface DevCredentials {
  operatorKey: string;
  demo?: { tenantId: string; adminApiKey: string };
}

const say = (line: string) => console.log(`[custodian] ${line}`);

/** Stops what was started, newest first. */
const stoppers: (() => Promise<void>)[] = [];
let stopping = false;
async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping ...');
  for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => say(`stop failed: ${String(error)}`));
}

/** Children we are stopping on purpose; any other exit of one of them brings the stack down. */
const expectedExits = new WeakSet<ChildProcess>();

/**
 * npm start: PostgreSQL, Temporal (with its Web UI), migrations, worker and API, plus a demo tenant. With
 * --temporal-cluster (npm run stack:cluster) Temporal is the real server on the same PostgreSQL instead of the
 * dev server, and two worker processes share the task queue.
 */
async function main(): Promise<void> {
  onExit((done) => void stopAll().then(done));
  const clusterShape = process.argv.includes('--temporal-cluster');

  let databaseUrl = process.env.DATABASE_URL;
  let ownerUrl: string | undefined;
  let superuserUrl: string | undefined;
  if (databaseUrl) {
    databaseUrl = postgresUrl(process.env, 'DATABASE_URL');
    ownerUrl = postgresUrl(process.env, 'DATABASE_OWNER_URL');
    say('using the PostgreSQL in DATABASE_URL');
  } else {
    say('starting embedded PostgreSQL ...');
    const baseDir = join(dataDir, 'postgres');
    const postgres = await startEmbeddedPostgres({ baseDir, preferredPort: 5433 });
    stoppers.push(() => postgres.stop());
    if (!postgres.dataDir.startsWith(baseDir)) say(`PostgreSQL data in ${postgres.dataDir} (linked from .data/postgres/cluster)`);
    databaseUrl = postgres.appUrl;
    ownerUrl = postgres.ownerUrl;
    superuserUrl = postgres.superuserUrl;
  }
  const applied = await runMigrations(ownerUrl!, join(root, 'prisma', 'migrations'));
  say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

  const port = Number(process.env.PORT) || (await preferredOrFreePort(8080));
  const apiUrl = `http://127.0.0.1:${port}`;
  // The codec session cookie goes only to the site that set it, so the UI and the codec share one host name.
  const codecUrl = `http://localhost:${port}/codec`;

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let temporalUiUrl: string | undefined = process.env.TEMPORAL_UI_URL;
  if (temporalAddress) {
    say(`using the Temporal cluster at ${temporalAddress}`);
  } else if (clusterShape) {
    if (!superuserUrl) throw new Error('stack:cluster keeps Temporal\'s data in the embedded PostgreSQL: unset DATABASE_URL, or set TEMPORAL_ADDRESS to a cluster of your own');
    say('starting the Temporal server on PostgreSQL (the first run builds it from source: several minutes) ...');
    const temporal = await startTemporalCluster({ postgresSuperuserUrl: superuserUrl, dataDir: join(dataDir, 'temporal-cluster'), log: say });
    stoppers.push(() => temporal.stop());
    say(`Temporal server ${temporal.version} (pid ${temporal.pid}) at ${temporal.address}: persistence in database temporal, visibility in temporal_visibility, config .data/temporal-cluster/config.yaml`);
    const ui = await startTemporalUiServer({ temporalAddress: temporal.address, port: await preferredOrFreePort(8233), codecEndpoint: codecUrl, log: say });
    stoppers.push(() => ui.stop());
    temporalAddress = temporal.address;
    temporalUiUrl = ui.url.replace('//127.0.0.1:', '//localhost:');
  } else {
    say('starting the Temporal dev server (the first run builds the Temporal CLI: a few minutes) ...');
    await mkdir(join(dataDir, 'temporal'), { recursive: true });
    const temporal = await startTemporalDevServer({
      dbFilename: join(dataDir, 'temporal', 'dev.db'),
      // The Web UI shows decrypted payloads through the API's codec endpoint, for signed-in operators.
      uiCodecEndpoint: codecUrl,
      uiPort: await preferredOrFreePort(8233),
      log: say,
    });
    stoppers.push(() => temporal.stop());
    temporalAddress = temporal.address;
    temporalUiUrl = temporal.uiUrl?.replace('//127.0.0.1:', '//localhost:');
  }

  // Without a real Google OAuth client, Google is the built-in Workspace simulator (demo.example's users).
  let simulatedGoogle: Record<string, string> = {};
  if (!process.env.GOOGLE_CLIENT_ID) {
    const google = await startGoogleWorkspaceSimulator({ domain: DEMO_DOMAIN, port: await preferredOrFreePort(8090) });
    stoppers.push(() => google.stop());
    simulatedGoogle = {
      GOOGLE_CLIENT_ID: google.oauthClient.clientId,
      GOOGLE_CLIENT_SECRET: google.oauthClient.clientSecret,
      GOOGLE_API_ROOT_URL: google.rootUrl,
      GOOGLE_OAUTH_BASE_URL: google.rootUrl,
    };
    say(`Google Workspace simulator for ${DEMO_DOMAIN} at ${google.rootUrl}`);
  }

  // Without a real Atlassian OAuth app, Jira Cloud is the built-in simulator: site "demo", project DEMO, a few dozen issues.
  let simulatedJira: Record<string, string> = {};
  if (!process.env.JIRA_CLIENT_ID) {
    const jira = await startJiraCloudSimulator({
      port: await preferredOrFreePort(8091),
      sites: [{ cloudId: DEMO_JIRA_CLOUD_ID, name: 'demo', projects: [{ id: '10000', key: 'DEMO', name: 'Demo service desk' }] }],
      issuesPerProject: 36,
    });
    stoppers.push(() => jira.stop());
    simulatedJira = {
      JIRA_CLIENT_ID: jira.oauthClient.clientId,
      JIRA_CLIENT_SECRET: jira.oauthClient.clientSecret,
      JIRA_AUTH_BASE_URL: jira.authBaseUrl,
      JIRA_API_BASE_URL: jira.apiBaseUrl,
    };
    say(`Jira Cloud simulator (site https://demo.atlassian.net, project DEMO, 36 issues) at ${jira.apiBaseUrl}`);
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...simulatedGoogle,
    ...simulatedJira,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    PORT: String(port),
    HOST: process.env.HOST ?? '127.0.0.1',
    CODEC_CORS_ORIGINS: process.env.CODEC_CORS_ORIGINS ?? uiOrigins(temporalUiUrl).join(','),
  };
  delete env.DATABASE_OWNER_URL;
  const workerNames = clusterShape ? ['worker-1', 'worker-2'] : ['worker'];
  for (const name of workerNames) {
    const worker = launch(name, join(root, 'dist', 'apps', 'worker', 'src', 'main.js'), env);
    stoppers.push(() => terminate(worker));
    if (clusterShape) say(`${name} (pid ${worker.pid}) polls task queue ${process.env.TEMPORAL_TASK_QUEUE || CUSTODIAN_TASK_QUEUE}`);
  }
  const api = launch('api', join(root, 'dist', 'apps', 'api', 'src', 'main.js'), env);
  stoppers.push(() => terminate(api));

  await waitForHealth(apiUrl);
  const demo = await ensureDemoTenant(apiUrl, ownerUrl!);
  // The simulator forgets its grants when it stops, so the demo tenant consents again on every start.
  if (simulatedGoogle.GOOGLE_CLIENT_ID) await connectDemoTenantToGoogle(apiUrl, demo.adminApiKey);
  if (simulatedJira.JIRA_CLIENT_ID) {
    await connectDemoTenantToJira(apiUrl, demo.adminApiKey);
    const config = await ensureDemoJiraSyncConfig(apiUrl, demo.adminApiKey);
    say(config === 'created' ? 'demo tenant syncs Jira project DEMO both ways (all eight fields); the backfill runs now' : "demo tenant's Jira sync configuration kept as it was");
  }

  console.log(startBanner({ apiUrl, codecUrl, temporalAddress, temporalUiUrl, demo, domain: DEMO_DOMAIN, jiraProject: simulatedJira.JIRA_CLIENT_ID ? DEMO_JIRA_SYNC_SETTINGS.projectKeys[0] : undefined }));
}

/** The UI answers on 127.0.0.1 and localhost alike; either may be the browser's origin. */
function uiOrigins(uiUrl: string | undefined): string[] {
  if (!uiUrl) return [];
  const url = new URL(uiUrl);
  return [...new Set([url.origin, `${url.protocol}//localhost:${url.port}`, `${url.protocol}//127.0.0.1:${url.port}`])];
}

function launch(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.on('exit', (code, signal) => {
    if (expectedExits.has(child)) return;
    say(`${name} exited unexpectedly (${code ?? signal}); stopping everything`);
    void stopAll().then(() => process.exit(1));
  });
  // Whatever happens to this process, the children do not outlive it.
  process.on('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  return child;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  expectedExits.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function waitForHealth(apiUrl: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const healthy = await fetch(`${apiUrl}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the API did not become healthy at ${apiUrl}/health within 120 s`);
}

/** The local operator key and the demo tenant, created on the first start and reused afterwards. */
async function ensureDemoTenant(apiUrl: string, ownerUrl: string): Promise<{ tenantId: string; adminApiKey: string }> {
  const file = join(dataDir, 'dev-credentials.json');
  const saved: DevCredentials | undefined = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : undefined;
  const save = (credentials: DevCredentials) => writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });

  if (saved?.demo) {
    const check = await fetch(`${apiUrl}/v1/api-keys`, { headers: { authorization: `Bearer ${saved.demo.adminApiKey}` } });
    if (check.ok) return saved.demo;
  }
  const operatorKey = saved?.operatorKey ?? (await createOperatorKey(ownerUrl, 'local-operator')).key;
  await save({ operatorKey });
  const response = await fetch(`${apiUrl}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ slug: 'demo', name: 'Demo Tenant', adminKeyName: 'demo-admin' }),
  });
  const body = (await response.json()) as { tenant?: { id: string }; adminApiKey?: { key: string }; message?: string };
  if (!response.ok || !body.tenant || !body.adminApiKey) {
    throw new Error(
      `could not create the demo tenant (${response.status}: ${body.message ?? 'no message'}); ` +
        'if .data/dev-credentials.json was deleted, delete .data to start afresh',
    );
  }
  const demo = { tenantId: body.tenant.id, adminApiKey: body.adminApiKey.key };
  await save({ operatorKey, demo });
  return demo;
}

/** The admin's consent, as a browser would give it: our connect URL, Google's consent redirect, our callback. */
async function connectDemoTenantToGoogle(apiUrl: string, adminApiKey: string): Promise<void> {
  const started = await fetch(`${apiUrl}/v1/integrations/google/connect?domain=${DEMO_DOMAIN}`, { headers: { authorization: `Bearer ${adminApiKey}` } });
  if (!started.ok) throw new Error(`could not start the demo tenant's Google connection (${started.status})`);
  const { consentUrl } = (await started.json()) as { consentUrl: string };
  const consent = await fetch(consentUrl, { redirect: 'manual' });
  const callback = consent.headers.get('location');
  if (consent.status !== 302 || !callback) throw new Error(`the Google simulator refused the demo consent (${consent.status})`);
  const connected = await fetch(callback);
  if (!connected.ok) throw new Error(`the demo tenant's Google connection failed (${connected.status})`);
  say(`demo tenant connected to Google Workspace (${DEMO_DOMAIN}, simulated)`);
}

/** The Jira admin's consent, as a browser would give it: our connect URL, Atlassian's consent redirect, our callback. */
async function connectDemoTenantToJira(apiUrl: string, adminApiKey: string): Promise<void> {
  const started = await fetch(`${apiUrl}/v1/integrations/jira/connect`, { headers: { authorization: `Bearer ${adminApiKey}` } });
  if (!started.ok) throw new Error(`could not start the demo tenant's Jira connection (${started.status})`);
  const { consentUrl } = (await started.json()) as { consentUrl: string };
  const consent = await fetch(consentUrl, { redirect: 'manual' });
  const callback = consent.headers.get('location');
  if (consent.status !== 302 || !callback) throw new Error(`the Jira simulator refused the demo consent (${consent.status})`);
  const connected = await fetch(callback);
  if (!connected.ok) throw new Error(`the demo tenant's Jira connection failed (${connected.status})`);
  say('demo tenant connected to Jira Cloud (https://demo.atlassian.net, simulated)');
}

main().catch(async (error: unknown) => {
  console.error(`[custodian] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
});
