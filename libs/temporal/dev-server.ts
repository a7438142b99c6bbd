import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { freePort } from '../config/free-port';
import { CUSTODIAN_SEARCH_ATTRIBUTE_KEYS } from '../contracts/search-attributes';
import { ensureTemporalCli } from './temporal-cli';
import { startTemporalUiServer, type TemporalUiServer } from './temporal-ui-server';
import { startServerProcess } from './server-process';
import type { LogLine } from './tool-cache';

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

  const address = `127.0.0.1:${port}`;
  let ui: TemporalUiServer | undefined;
  const server = startServerProcess(cli, args, { logPrefix: 'temporal', log, stopGraceMs, beforeStop: async () => ui?.stop() });

  const polling = new AbortController();
  try {
    await Promise.race([
      waitUntilUsable(address, namespace, polling.signal),
      server.exited(),
    ]);
    await ensureSearchAttributes(address, namespace, log);
    if (!opts.headless) {
      ui = await startTemporalUiServer({ temporalAddress: address, port: opts.uiPort ?? (await freePort()), codecEndpoint: opts.uiCodecEndpoint, log });
    }
  } catch (error) {
    await server.stop();
    const tail = server.tail();
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
    pid: server.pid!,
    stop: server.stop,
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

