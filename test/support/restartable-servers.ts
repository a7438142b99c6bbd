import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';
import { startEmbeddedPostgres, type PostgresInstance } from '../../libs/db/embedded-postgres';
import { runMigrations } from '../../libs/db/migration-runner';
import { startTemporalDevServer, type TemporalDevServer } from '../../libs/temporal/dev-server';
import { freePort } from '../../libs/config/free-port';

/**
 * Servers a fault test owns, so it can stop and start them without pulling them from under the other test files:
 * each comes back at the same address with the same data, as a restarted server does in production.
 */
export interface RestartableServer {
  stop(): Promise<void>;
  /** Ends it the way a crash does (no clean shutdown); start() brings it back. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops it when it runs; for teardown. */
  close(): Promise<void>;
}

/** Which Temporal server a fault test runs against: the CLI's dev server (SQLite file), or the cluster. */
export type TemporalServerKind = 'dev-server';

export interface RestartableTemporal extends RestartableServer {
  kind: TemporalServerKind;
  address: string;
}

/** The Temporal server a fault test restarts, keeping its database file and its port across restarts. */
export async function startRestartableTemporal(kind: TemporalServerKind, dir: string): Promise<RestartableTemporal> {
  const port = await freePort();
  const dbFilename = join(dir, 'temporal.db');
  let server: TemporalDevServer | undefined = await startTemporalDevServer({ dbFilename, headless: true, port });
  return {
    kind,
    address: server.address,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async crash() {
      if (!server) return;
      process.kill(server.pid, 'SIGKILL');
      await server.stop();
      server = undefined;
    },
    async start() {
      server = await startTemporalDevServer({ dbFilename, headless: true, port });
    },
    async close() {
      await server?.stop();
      server = undefined;
    },
  };
}

export interface RestartablePostgres extends RestartableServer {
  appUrl: string;
  ownerUrl: string;
  superuserUrl: string;
}

/** Embedded PostgreSQL with Custodian's migrations applied; a restart keeps its cluster, passwords and port. */
export async function startRestartablePostgres(dir: string): Promise<RestartablePostgres> {
  const baseDir = join(dir, 'postgres');
  let instance: PostgresInstance | undefined = await startEmbeddedPostgres({ baseDir });
  await runMigrations(instance.ownerUrl, join(repoRoot(), 'prisma', 'migrations'));
  const { appUrl, ownerUrl, superuserUrl, port, dataDir } = instance;
  return {
    appUrl,
    ownerUrl,
    superuserUrl,
    async stop() {
      await instance?.stop();
      instance = undefined;
    },
    async crash() {
      if (!instance) return;
      // Immediate shutdown (SIGQUIT to the postmaster): sessions cut, no checkpoint, crash recovery at the next start.
      const postmasterPid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      process.kill(postmasterPid, 'SIGQUIT');
      await instance.stop();
      instance = undefined;
    },
    async start() {
      instance = await startEmbeddedPostgres({ baseDir, preferredPort: port });
      if (instance.port !== port) throw new Error(`PostgreSQL came back on port ${instance.port}, not ${port}: something took its port meanwhile`);
    },
    async close() {
      await instance?.stop();
      instance = undefined;
      // Kept across restarts, so not a temporary cluster: delete its files here (run by root they live elsewhere).
      if (dataDir !== join(baseDir, 'cluster')) await rm(dirname(dataDir), { recursive: true, force: true });
      await rm(baseDir, { recursive: true, force: true });
    },
  };
}

/**
 * Points test-environment.ts's helpers (testEnv) at a fault test's own servers, for this test file only (jest
 * gives each file its own process.env); returns the undo.
 */
export function useServers(servers: { temporal?: RestartableTemporal; postgres?: RestartablePostgres }): () => void {
  const saved = { ...process.env };
  if (servers.temporal) process.env.TEMPORAL_ADDRESS = servers.temporal.address;
  if (servers.postgres) {
    process.env.DATABASE_URL = servers.postgres.appUrl;
    process.env.TEST_DATABASE_OWNER_URL = servers.postgres.ownerUrl;
    process.env.TEST_DATABASE_SUPERUSER_URL = servers.postgres.superuserUrl;
  }
  return () => {
    for (const name of ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'TEST_DATABASE_OWNER_URL', 'TEST_DATABASE_SUPERUSER_URL']) process.env[name] = saved[name];
  };
}
