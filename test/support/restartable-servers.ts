import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';
import { startEmbeddedPostgres, type PostgresInstance } from '../../libs/db/embedded-postgres';
import { runMigrations } from '../../libs/db/migration-runner';
import { startTemporalDevServer } from '../../libs/temporal/dev-server';
import { startTemporalCluster } from '../../libs/temporal/temporal-cluster';
import type { TemporalServerKind } from '../../libs/temporal/temporal-server-kind';
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

export interface RestartableTemporal extends RestartableServer {
  kind: TemporalServerKind;
  address: string;
}

/**
 * The Temporal server a fault test restarts, keeping its data and its address across restarts: the dev server
 * with its SQLite file, or the cluster (the real server) with its data on the PostgreSQL at postgresSuperuserUrl,
 * in databases of a role of its own.
 */
export async function startRestartableTemporal(kind: TemporalServerKind, dir: string, options: { postgresSuperuserUrl?: string } = {}): Promise<RestartableTemporal> {
  const startOnce = await temporalStarter(kind, dir, options);
  let server: { address: string; pid: number; stop(): Promise<void> } | undefined = await startOnce();
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
      server = await startOnce();
    },
    async close() {
      await server?.stop();
      server = undefined;
    },
  };
}

async function temporalStarter(kind: TemporalServerKind, dir: string, options: { postgresSuperuserUrl?: string }) {
  if (kind === 'dev-server') {
    const port = await freePort();
    return () => startTemporalDevServer({ dbFilename: join(dir, 'temporal.db'), headless: true, port });
  }
  const postgresSuperuserUrl = options.postgresSuperuserUrl;
  if (!postgresSuperuserUrl) throw new Error('the Temporal cluster keeps its data in PostgreSQL: pass postgresSuperuserUrl');
  // A role (and databases) of its own, so it can share a PostgreSQL with the suite's own cluster.
  const databaseRole = `temporal_fault_${randomBytes(4).toString('hex')}`;
  return () => startTemporalCluster({ postgresSuperuserUrl, dataDir: join(dir, 'temporal-cluster'), databaseRole });
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
