import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { buildOnce, isExecutableFile, probe, run, toolCacheDir, type LogLine } from './tool-cache';

/**
 * The Temporal server the production-shaped stack runs. Its go.mod carries no replace directive, so
 * `go install pkg@version` accepts it; it is newer than the server inside the dev server's CLI (v1.29.1).
 */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
/**
 * The server's go.mod asks for Go >= 1.26.10; the go command fetches this toolchain through the module proxy
 * (about 76 MB, once) whatever Go is installed, so every machine builds with the same compiler.
 */
export const TEMPORAL_SERVER_GO_TOOLCHAIN = 'go1.27.3';

export interface TemporalServerBinaries {
  /** go.temporal.io/server/cmd/server: all four services in one process. */
  server: string;
  /** go.temporal.io/server/cmd/tools/sql: creates and upgrades the SQL schemas it embeds. */
  sqlTool: string;
}

const SERVER_BINARY = 'temporal-server';
const SQL_TOOL_BINARY = 'temporal-sql-tool';

/**
 * The server and its SQL schema tool from the project's tool cache (.tools/temporal-server/<version>/),
 * built there from source through the Go module proxy on first use (minutes, once per clean checkout).
 */
export async function ensureTemporalServer(opts: { log?: LogLine } = {}): Promise<TemporalServerBinaries> {
  const log: LogLine = opts.log ?? (() => undefined);
  const dir = join(toolCacheDir(), 'temporal-server', TEMPORAL_SERVER_VERSION);
  const binaries = { server: join(dir, SERVER_BINARY), sqlTool: join(dir, SQL_TOOL_BINARY) };
  if (isExecutableFile(binaries.server)) return binaries;

  if ((await probe('go', ['version'])) === undefined) {
    throw new Error(
      `The Temporal server ${TEMPORAL_SERVER_VERSION} is built from source here and that needs a \`go\` command ` +
        `(any Go >= 1.21 fetches ${TEMPORAL_SERVER_GO_TOOLCHAIN} itself through the Go module proxy). Install Go, ` +
        'or run against an existing Temporal cluster with TEMPORAL_ADDRESS.',
    );
  }
  const started = Date.now();
  await buildOnce(
    dir,
    // Renamed last, so its presence means both binaries are there.
    SERVER_BINARY,
    async (partial) => {
      log(`building the Temporal server ${TEMPORAL_SERVER_VERSION} from source into ${dir} (several minutes, once) ...`);
      const module = 'go.temporal.io/server';
      await run(
        'go',
        ['install', '-ldflags=-s -w', `${module}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${module}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`],
        {
          env: {
            ...process.env,
            GOBIN: partial,
            // Pure Go like the release binaries (the SQLite plugin included), so no C compiler is needed.
            CGO_ENABLED: '0',
            GOTOOLCHAIN: process.env.GOTOOLCHAIN || TEMPORAL_SERVER_GO_TOOLCHAIN,
          },
          log,
        },
      );
      await rename(join(partial, 'sql'), join(partial, SQL_TOOL_BINARY));
      await rename(join(partial, 'server'), join(partial, SERVER_BINARY));
      log(`built the Temporal server in ${Math.round((Date.now() - started) / 1000)} s`);
    },
    log,
  );
  return binaries;
}
