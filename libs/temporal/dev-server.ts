import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { freePort } from '../config/free-port';
import { CUSTODIAN_SEARCH_ATTRIBUTE_KEYS } from '../contracts/search-attributes';
import { ensureTemporalCli } from './temporal-cli';
import { startTemporalUiServer, type TemporalUiServer } from './temporal-ui-server';
import { forEachLine, type LogLine } from './tool-cache';

/** Search attributes every Custodian namespace needs: the ones libs/contracts defines. */
export const CUSTODIAN_SEARCH_ATTRIBUTES = CUSTODIAN_SEARCH_ATTRIBUTE_KEYS;

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service, e.g. 127.0.0.1:41234. */
  address: string;
  /** The Web UI, unless headless. */
  uiUrl?: string;
  namespace: string;
  /** The server process (gone once stop() resolves). */
  pid: number;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  /** SQLite file holding all state; created with the schema when missing. */
  dbFilename: string;
  namespace?: string;
  /** Remote codec the Web UI calls to decode payloads in the browser, sending the browser's cookies. */
  uiCodecEndpoint?: string;
  /** The frontend's port, e.g. to restart a server at the address its clients know (any free one when unset). */
  port?: number;
  /** The Web UI's port (any free one when unset). */
  uiPort?: number;
  headless?: boolean;
  log?: (line: string) => void;
}

const readyTimeoutMs = 30_000;
const stopGraceMs = 10_000;
const portAttempts = 3;

/**
 * `temporal server start-dev` on free loopback ports, resolved once the namespace answers; unless headless,
 * with the Temporal Web UI beside it (its own process, see temporal-ui-server.ts, since start-dev cannot tell
 * its embedded UI to send credentials to the codec).
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const log: LogLine = opts.log ?? (() => undefined);
  const cli = await ensureTemporalCli({ log });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(cli, opts, log);
    } catch (error) {
      // freePort() only says a port was free a moment ago: retry when another process took it meanwhile.
      if (!(error instanceof PortTakenError) || attempt === portAttempts || opts.port !== undefined) throw error;
      log(`port taken while starting the Temporal dev server, retrying on other ports`);
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(cli: string, opts: TemporalDevServerOptions, log: LogLine): Promise<TemporalDevServer> {
  const namespace = opts.namespace ?? 'default';
  const port = opts.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless'];
  args.push('--db-filename', opts.dbFilename, '--namespace', namespace, '--log-level', 'warn');
  for (const { name, type } of CUSTODIAN_SEARCH_ATTRIBUTES) {
    args.push('--search-attribute', `${name}=${TypedSearchAttributes.toMetadataType(type)}`);
  }

  const child = spawn(cli, args, { detached: false, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let stopping = false;
  const onLine = (line: string) => {
    if (!line.trim()) return;
    output.push(line);
    if (output.length > 30) output.shift();
    // Shutting down logs a burst of expected connection warnings.
    if (!stopping) log(`temporal: ${line}`);
  };
  forEachLine(child.stdout!, onLine);
  forEachLine(child.stderr!, onLine);
  let spawnError: Error | undefined;
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.on('error', (error) => {
      spawnError ??= error;
      if (child.pid === undefined) resolve();
    });
  });
  // The last resort when the parent exits without stop(); 'exit' handlers must be synchronous.
  const killOnExit = () => {
    if (isRunning(child)) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const address = `127.0.0.1:${port}`;
  let ui: TemporalUiServer | undefined;
  const stop = async () => {
    stopping = true;
    await ui?.stop();
    if (isRunning(child)) {
      child.kill('SIGTERM');
      if (!(await within(closed, stopGraceMs))) child.kill('SIGKILL');
    }
    await closed;
    process.removeListener('exit', killOnExit);
  };

  const polling = new AbortController();
  try {
    await Promise.race([
      waitUntilUsable(address, namespace, polling.signal),
      closed.then(() => {
        throw spawnError ?? new Error(`exited early (${child.signalCode ?? `exit code ${child.exitCode}`})`);
      }),
    ]);
    await ensureSearchAttributes(address, namespace, log);
    if (!opts.headless) {
      ui = await startTemporalUiServer({ temporalAddress: address, port: opts.uiPort ?? (await freePort()), codecEndpoint: opts.uiCodecEndpoint, log });
    }
  } catch (error) {
    await stop();
    const tail = output.join('\n');
    const message = `The Temporal dev server (${cli} ${args.join(' ')}) did not become usable: ${
      error instanceof Error ? error.message : String(error)
    }\n${tail}`;
    throw /address already in use/i.test(tail) ? new PortTakenError(message) : new Error(message);
  } finally {
    polling.abort();
  }

  return {
    address,
    uiUrl: ui?.url,
    namespace,
    pid: child.pid!,
    stop,
  };
}

/** Polls until the frontend accepts connections and knows the namespace, or fails at the deadline. */
async function waitUntilUsable(address: string, namespace: string, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && !signal.aborted) {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 }).catch((error: unknown) => {
      lastError = error;
      return undefined;
    });
    if (connection) {
      try {
        await connection.withDeadline(Date.now() + 2_000, () => connection.workflowService.describeNamespace({ namespace }));
        return;
      } catch (error) {
        lastError = error;
      } finally {
        await connection.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not ready within ${readyTimeoutMs / 1000} s: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

/**
 * start-dev registers --search-attribute only when it creates the namespace (first start on a db file),
 * so attributes added to the list later are registered here on existing files.
 */
async function ensureSearchAttributes(address: string, namespace: string, log: LogLine): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = CUSTODIAN_SEARCH_ATTRIBUTES.filter(({ name }) => !customAttributes?.[name]);
    if (missing.length === 0) return;
    log(`registering search attributes ${missing.map(({ name }) => name).join(', ')} in namespace ${namespace}`);
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(({ name, type }) => [name, encodeSearchAttributeIndexedValueType(type)!])),
    });
  } finally {
    await connection.close();
  }
}

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Whether `promise` settled within `ms`. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([promise.then(() => true as const), timedOut]);
  clearTimeout(timer);
  return settled;
}
