import { bundleWorkflowCode } from '@temporalio/worker';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../libs/temporal/data-converter';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../../test/fakes/google/google-workspace-simulator';
import { googleSimulatorEnv } from '../../test/support/google-workspace';
import { numberedUserEmail, numberedUsers } from '../../test/support/workspace-users';
import { temporalServerKindFromEnv, type TemporalServerKind } from '../../libs/temporal/temporal-server-kind';
import { startRestartablePostgres, startRestartableTemporal, useServers, type RestartablePostgres, type RestartableTemporal } from '../../test/support/restartable-servers';
import { startTestApi, type TestApi } from '../../test/support/test-api';

export const CHAOS_DOMAIN = 'chaos.example';

/** What the chaos monkey can kill: each comes back by itself (the worker) or when the monkey restarts it. */
export type ChaosTarget = 'worker' | 'temporal' | 'postgres';

export interface ChaosStack {
  /** The API's base URL (real HTTP, in this process). */
  apiUrl: string;
  api: TestApi;
  db: TenantScopedDatabase;
  credentials: CredentialStore;
  google: GoogleWorkspaceSimulator;
  postgres: RestartablePostgres;
  temporal: RestartableTemporal;
  /** Kills the target (SIGKILL; PostgreSQL an immediate shutdown) and brings it back after downMs. */
  kill(target: ChaosTarget, downMs: number): Promise<void>;
  /** Times a worker process ended without being told to (killed, or gave up while a server was away). */
  workerExits: number;
  close(): Promise<void>;
}

/**
 * The production shape in one machine, every part restartable: embedded PostgreSQL and a Temporal server of
 * their own (same data and ports across restarts), the Google Workspace simulator with `users` numbered users
 * (every second one suspended), the real API over HTTP, and the real worker in a child process that a
 * supervisor restarts whenever it dies, as systemd or Kubernetes would.
 */
export async function startChaosStack(options: { users: number; temporalKind?: TemporalServerKind; log?: (line: string) => void }): Promise<ChaosStack> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-chaos-'));
  const stops: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((error: unknown) => log(`teardown: ${String(error)}`));
  };
  try {
    const postgres = await startRestartablePostgres(dir);
    stops.push(() => postgres.close());
    // The cluster keeps its data on the same PostgreSQL, as in production: a PostgreSQL kill takes Temporal's store too.
    const temporal = await startRestartableTemporal(options.temporalKind ?? temporalServerKindFromEnv(), dir, { postgresSuperuserUrl: postgres.superuserUrl });
    stops.push(() => temporal.close());
    const restoreEnv = useServers({ temporal, postgres });
    stops.push(async () => restoreEnv());
    process.env.CUSTODIAN_KEY_FILE ??= join(dir, 'keys', 'kek.json');
    if (!process.env.TEST_WORKFLOW_BUNDLE) {
      const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), ...WORKFLOW_BUNDLE_OPTIONS, logger: quietLogger });
      process.env.TEST_WORKFLOW_BUNDLE = join(dir, 'workflow-bundle.js');
      writeFileSync(process.env.TEST_WORKFLOW_BUNDLE, code);
    }

    const google = await startGoogleWorkspaceSimulator({ domain: CHAOS_DOMAIN, users: numberedUsers(CHAOS_DOMAIN, options.users) });
    stops.push(() => google.stop());
    const api = await startTestApi({ withWorker: false, env: { ...googleSimulatorEnv(google), LOG_LEVEL: 'silent' } });
    stops.push(() => api.close());
    const server = await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const db = new TenantScopedDatabase(api.prisma);
    const credentials = new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv()));

    const supervisor = superviseWorker(googleSimulatorEnv(google), log);
    stops.push(() => supervisor.stop());
    await supervisor.ready();

    const stack: ChaosStack = {
      apiUrl,
      api,
      db,
      credentials,
      google,
      postgres,
      temporal,
      get workerExits() {
        return supervisor.exits;
      },
      async kill(target, downMs) {
        if (target === 'worker') return supervisor.kill();
        const server = target === 'temporal' ? temporal : postgres;
        await server.crash();
        await new Promise((resolve) => setTimeout(resolve, downMs));
        await server.start();
      },
      close: stopAll,
    };
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export function chaosUserEmail(index: number): string {
  return numberedUserEmail(CHAOS_DOMAIN, index);
}

/** Keeps one worker process running: a dead one is replaced a second later. */
function superviseWorker(googleEnv: Record<string, string>, log: (line: string) => void) {
  let child: ChildProcess | undefined;
  let stopping = false;
  let exits = 0;
  let readyOnce: (() => void) | undefined;
  const firstReady = new Promise<void>((resolve) => (readyOnce = resolve));
  const launch = () => {
    const worker = spawn(process.execPath, ['--import', 'jiti/register', join(repoRoot(), 'test', 'integration', 'fixtures', 'google-worker.process.ts')], {
      cwd: repoRoot(),
      env: { ...process.env, ...googleEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = worker;
    worker.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker running')) readyOnce?.();
    });
    worker.stderr!.on('data', (chunk: Buffer) => log(`worker: ${chunk.toString().trimEnd().slice(0, 300)}`));
    worker.once('exit', (code, signal) => {
      if (stopping) return;
      exits += 1;
      log(`worker exited (${signal ?? code}); restarting`);
      setTimeout(() => !stopping && launch(), 1_000);
    });
  };
  launch();
  return {
    get exits() {
      return exits;
    },
    ready: () => firstReady,
    async kill() {
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const gone = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGKILL');
      await gone;
    },
    async stop() {
      stopping = true;
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const gone = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGKILL');
      await gone;
    },
  };
}

const quietLogger = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };
