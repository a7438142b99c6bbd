import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { isPortFree } from '../config/free-port';
import { TENANT_ID_SEARCH_ATTRIBUTE } from '../contracts/search-attributes';
import { ensureSearchAttributes } from './search-attribute-registration';
import { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from './temporal-server-build';
import { DEFAULT_TEMPORAL_DATABASE_ROLE, prepareTemporalDatabases } from './temporal-persistence';
import { temporalServerConfig, type TemporalServerPorts } from './temporal-server-config';
import { startServerProcess } from './server-process';
import type { LogLine } from './tool-cache';

export interface TemporalCluster {
  /** host:port of the frontend gRPC service: what TEMPORAL_ADDRESS names. */
  address: string;
  namespace: string;
  /** The server process (gone once stop() resolves). */
  pid: number;
  /** The pinned server version that runs. */
  version: string;
  /** SIGTERM, then SIGKILL after a grace time; the data stays for the next start. */
  stop(): Promise<void>;
}

export interface TemporalClusterOptions {
  /** A superuser of the PostgreSQL to keep Temporal's data in (its own role and databases are made there). */
  postgresSuperuserUrl: string;
  /** Holds the generated config (0600, it carries the database password) and the ports kept across restarts. */
  dataDir: string;
  /**
   * Temporal's PostgreSQL role; its databases are named after it (<role>, <role>_visibility). Default "temporal";
   * another name lets a second cluster share the same PostgreSQL (a test beside `npm run stack:cluster`).
   */
  databaseRole?: string;
  namespace?: string;
  /** The server's own log level (its lines go to log). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  log?: LogLine;
}

interface ClusterState {
  databasePassword: string;
  ports: TemporalServerPorts;
}

/** gRPC status NOT_FOUND: the namespace does not exist yet. */
const GRPC_NOT_FOUND = 5;
const readyTimeoutMs = 90_000;
const lowPortRange = { first: 20_000, last: 32_767 };
const stopGraceMs = 20_000;
const portAttempts = 3;
/** As docker/temporal-namespace.sh: how long closed workflows stay visible. */
const namespaceRetentionMs = 30 * 24 * 3_600_000;

/**
 * The real Temporal server (the pinned go.temporal.io/server, built into .tools on first use), one process with
 * all four services, persistence and visibility on PostgreSQL, on loopback ports that are kept across restarts
 * of the same dataDir (so a restarted cluster answers where its clients already point). Resolves once the
 * namespace exists with Custodian's search attributes and answers visibility queries on them.
 */
export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalCluster> {
  const log: LogLine = opts.log ?? (() => undefined);
  const binaries = await ensureTemporalServer({ log });
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  for (let attempt = 1; ; attempt++) {
    const state = await loadOrCreateState(join(opts.dataDir, 'cluster-state.json'));
    const database = await prepareTemporalDatabases(
      opts.postgresSuperuserUrl,
      { role: opts.databaseRole ?? DEFAULT_TEMPORAL_DATABASE_ROLE, password: state.databasePassword },
      binaries.sqlTool,
      log,
    );
    const configFile = join(opts.dataDir, 'config.yaml');
    await writeFile(configFile, temporalServerConfig(database, state.ports, opts.logLevel ?? 'warn'), { mode: 0o600 });
    await chmod(configFile, 0o600);
    try {
      return await startOnce(binaries.server, configFile, state.ports.frontend, opts.namespace ?? 'default', log);
    } catch (error) {
      // The ports were free a moment ago; another process may have taken one meanwhile.
      if (!(error instanceof PortTakenError) || attempt === portAttempts) throw error;
      log('port taken while starting the Temporal server, retrying on other ports');
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(server: string, configFile: string, frontendPort: number, namespace: string, log: LogLine): Promise<TemporalCluster> {
  // No authorizer: the frontend listens on loopback only, like the dev server.
  const args = ['--config-file', configFile, '--allow-no-auth', 'start'];
  const serverProcess = startServerProcess(server, args, { logPrefix: 'temporal-server', log, stopGraceMs });

  const address = `127.0.0.1:${frontendPort}`;
  const polling = new AbortController();
  try {
    await Promise.race([
      becomeUsable(address, namespace, log, polling.signal),
      serverProcess.exited(),
    ]);
  } catch (error) {
    await serverProcess.stop();
    const tail = serverProcess.tail();
    const message = `The Temporal server (${server} ${args.join(' ')}) did not become usable: ${
      error instanceof Error ? error.message : String(error)
    }\n${tail}`;
    throw /address already in use/i.test(tail) ? new PortTakenError(message) : new Error(message);
  } finally {
    polling.abort();
  }
  return { address, namespace, pid: serverProcess.pid!, version: TEMPORAL_SERVER_VERSION, stop: serverProcess.stop };
}

/**
 * Waits for the frontend, registers the namespace when it is new, registers the search attributes, then waits
 * until a visibility query on TenantId is accepted (the namespace and its attributes reach every service's cache
 * only after a refresh, seconds, and until then starting a workflow with them would be refused) and the history
 * service answers for a workflow (after a restart it first has to take over its shards).
 */
async function becomeUsable(address: string, namespace: string, log: LogLine, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  let lastError: unknown;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 500));
  let connection: Connection | undefined;
  while (!connection) {
    if (Date.now() > deadline || signal.aborted) throw new Error(`the frontend did not answer within ${readyTimeoutMs / 1000} s: ${describe(lastError)}`);
    connection = await Connection.connect({ address, connectTimeout: 1_000 }).catch((error: unknown) => {
      lastError = error;
      return undefined;
    });
    if (!connection) await pause();
  }
  try {
    const call = <T>(fn: () => Promise<T>) => connection.withDeadline(Date.now() + 5_000, fn);
    for (;;) {
      try {
        await call(() => connection.workflowService.describeNamespace({ namespace }));
        break;
      } catch (error) {
        lastError = error;
        if (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND) {
          log(`registering namespace ${namespace}`);
          await call(() =>
            connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(namespaceRetentionMs) }),
          ).catch((registerError: unknown) => (lastError = registerError));
        }
      }
      if (Date.now() > deadline || signal.aborted) throw new Error(`namespace ${namespace} not usable: ${describe(lastError)}`);
      await pause();
    }
    await ensureSearchAttributes(connection, namespace, { timeoutMs: Math.max(deadline - Date.now(), 1_000), log });
    for (;;) {
      try {
        await call(() =>
          connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1, query: `${TENANT_ID_SEARCH_ATTRIBUTE.name} = 'readiness-check'` }),
        );
        const answer = await call(() =>
          connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: 'readiness-check' } }),
        ).catch((error: unknown) => error);
        // NOT_FOUND is the history service's own answer for a workflow that never ran.
        if (!(answer instanceof Error) || (isGrpcServiceError(answer) && answer.code === GRPC_NOT_FOUND)) return;
        lastError = answer;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline || signal.aborted) throw new Error(`namespace ${namespace} not ready for workflows: ${describe(lastError)}`);
      await pause();
    }
  } finally {
    await connection.close();
  }
}

/** The database password and ports of this data folder: made on first start, ports kept while they are free. */
async function loadOrCreateState(file: string): Promise<ClusterState> {
  const stored = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as ClusterState) : undefined;
  const ports = {} as TemporalServerPorts;
  const names: (keyof TemporalServerPorts)[] = [
    'frontend',
    'frontendHttp',
    'frontendMembership',
    'history',
    'historyMembership',
    'matching',
    'matchingMembership',
    'worker',
    'workerMembership',
  ];
  const taken = new Set<number>();
  for (const name of names) {
    const preferred = stored?.ports[name];
    // A port handed out earlier in this loop is not listening yet, so it still looks free.
    ports[name] = preferred && !taken.has(preferred) && (await isPortFree(preferred)) ? preferred : await freeLowPort(taken);
    taken.add(ports[name]);
  }
  const state: ClusterState = { databasePassword: stored?.databasePassword ?? randomBytes(24).toString('base64url'), ports };
  await writeFile(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
  return state;
}

/**
 * The server records each service's ports in a smallint column (cluster_membership), so they must stay below
 * 32768, where the OS's own ephemeral ports (what freePort() hands out) begin.
 */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = lowPortRange.first + Math.floor(Math.random() * (lowPortRange.last - lowPortRange.first + 1));
    if (!taken.has(port) && (await isPortFree(port))) return port;
  }
  throw new Error(`no free loopback port between ${lowPortRange.first} and ${lowPortRange.last}`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

