import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './server-process';
import { buildOnce, isExecutableFile, probe, run, toolCacheDir, type LogLine } from './tool-cache';

/** The Web UI server the Temporal CLI v1.5.1 embeds (its go.mod), so both serve the same UI. */
export const TEMPORAL_UI_SERVER_VERSION = 'v2.42.1';

export interface TemporalUiServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface TemporalUiServerOptions {
  /** host:port of the Temporal frontend. */
  temporalAddress: string;
  port: number;
  /**
   * Remote codec the browser calls, with the operator's cookie: `includeCredentials` is set in the server's own
   * settings, which the UI prefers over the per-browser toggle, so the operator only signs in at the codec.
   */
  codecEndpoint?: string;
  log?: LogLine;
}

const readyTimeoutMs = 30_000;
const stopGraceMs = 5_000;

/**
 * The Temporal Web UI as its own process, configured by file. `temporal server start-dev` embeds the same UI
 * but sets only the codec endpoint (there is no flag for includeCredentials), so its UI sends no cookie to it.
 */
export async function startTemporalUiServer(opts: TemporalUiServerOptions): Promise<TemporalUiServer> {
  const log = opts.log ?? (() => undefined);
  const binary = await ensureTemporalUiServer({ log });
  const configDir = await mkdtemp(join(tmpdir(), 'custodian-temporal-ui-'));
  // JSON is YAML, and needs no quoting rules of its own.
  const config = {
    temporalGrpcAddress: opts.temporalAddress,
    host: '127.0.0.1',
    port: opts.port,
    enableUi: true,
    defaultNamespace: 'default',
    notifyOnNewVersion: false,
    hideLogs: true,
    // Its CSRF cookie over plain http on loopback, as start-dev sets it.
    cors: { cookieInsecure: true },
    codec: opts.codecEndpoint ? { endpoint: opts.codecEndpoint, includeCredentials: true } : {},
  };
  await writeFile(join(configDir, 'custodian.yaml'), JSON.stringify(config, null, 2));

  // Its output is kept for the message when it does not come up, not logged: it speaks only when something is wrong.
  const server = startServerProcess(binary, ['--root', configDir, '--config', '.', '--env', 'custodian', 'start'], { logPrefix: 'temporal-ui', log: () => undefined, stopGraceMs });
  const stop = async () => {
    await server.stop();
    await rm(configDir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${opts.port}`;
  try {
    await Promise.race([waitUntilServing(url), server.exited()]);
  } catch (error) {
    await stop();
    throw new Error(`The Temporal UI server (${binary}) did not start: ${(error as Error).message}\n${server.tail()}`, { cause: error });
  }
  log(`Temporal Web UI at ${url}${opts.codecEndpoint ? `, decoding through ${opts.codecEndpoint} with the browser's credentials` : ''}`);
  return { url, pid: server.pid!, stop };
}

/**
 * Path of the Temporal UI server: $TEMPORAL_UI_SERVER_PATH, else the project's tool cache, built there from
 * source through the Go module proxy on first use (about half a minute, once).
 */
export async function ensureTemporalUiServer(opts: { log?: LogLine } = {}): Promise<string> {
  const log = opts.log ?? (() => undefined);
  const fromEnv = process.env.TEMPORAL_UI_SERVER_PATH;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw new Error(`TEMPORAL_UI_SERVER_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const dir = join(toolCacheDir(), 'temporal-ui-server', TEMPORAL_UI_SERVER_VERSION);
  const binary = join(dir, 'server');
  if (isExecutableFile(binary)) return binary;
  if ((await probe('go', ['version'])) === undefined) {
    throw new Error(
      `The Temporal Web UI server ${TEMPORAL_UI_SERVER_VERSION} is built from source here and that needs Go on PATH; ` +
        'or point TEMPORAL_UI_SERVER_PATH at an existing build of github.com/temporalio/ui-server/v2/cmd/server.',
    );
  }
  await buildOnce(
    dir,
    'server',
    async (partial) => {
      log(`building the Temporal Web UI server ${TEMPORAL_UI_SERVER_VERSION} from source into ${dir} (once) ...`);
      await run('go', ['install', '-ldflags=-s -w', `github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_SERVER_VERSION}`], {
        env: { ...process.env, GOBIN: partial, CGO_ENABLED: '0' },
        log,
      });
    },
    log,
  );
  return binary;
}

async function waitUntilServing(url: string): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/api/v1/settings`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not serving within ${readyTimeoutMs / 1000} s`);
}
