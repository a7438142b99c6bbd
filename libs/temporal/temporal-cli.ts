import { join } from 'node:path';
import { buildOnce, findOnPath, isExecutableFile, probe, run, toolCacheDir, type LogLine } from './tool-cache';

/** Newest CLI tag that `go install pkg@version` accepts: from v1.6.0 on its go.mod has a replace directive. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
/** The go directive of the CLI's go.mod at TEMPORAL_CLI_VERSION. */
const minimumGo = { major: 1, minor: 25 };

/**
 * Path of a `temporal` CLI: $TEMPORAL_CLI_PATH, else one on PATH, else the project's tool cache,
 * built there from source through the Go module proxy on first use (minutes, once).
 */
export async function ensureTemporalCli(opts: { log?: (line: string) => void } = {}): Promise<string> {
  const log: LogLine = opts.log ?? (() => undefined);
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const onPath = findOnPath('temporal');
  if (onPath) return onPath;

  const dir = join(toolCacheDir(), 'temporal-cli', TEMPORAL_CLI_VERSION);
  const binary = join(dir, 'temporal');
  if (isExecutableFile(binary)) return binary;

  await requireGo();
  const started = Date.now();
  await buildOnce(
    dir,
    'temporal',
    async (partial) => {
      log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} from source into ${dir} (a few minutes, once) ...`);
      await run(
        'go',
        [
          'install',
          // The release build's flags: no debug info, and a real version for `temporal --version`.
          `-ldflags=-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION.slice(1)}`,
          `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`,
        ],
        // Pure Go like the release binaries (SQLite included), so no C compiler is needed.
        { env: { ...process.env, GOBIN: partial, CGO_ENABLED: '0' }, log },
      );
      log(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s`);
    },
    log,
  );
  return binary;
}

async function requireGo(): Promise<void> {
  const output = await probe('go', ['version']);
  const match = output === undefined ? null : /\bgo(\d+)\.(\d+)/.exec(output);
  const tooOld =
    match !== null &&
    (Number(match[1]) < minimumGo.major || (Number(match[1]) === minimumGo.major && Number(match[2]) < minimumGo.minor));
  if (match === null || tooOld) {
    const found = output === undefined ? 'no working `go` on PATH' : `found ${output.trim()}`;
    throw new Error(
      `The Temporal CLI ${TEMPORAL_CLI_VERSION} is built from source here and that needs Go >= ` +
        `${minimumGo.major}.${minimumGo.minor} (${found}). Install a newer Go, or point TEMPORAL_CLI_PATH at an ` +
        'existing `temporal` binary (or put one on PATH). On a machine with internet access the Temporal SDK can ' +
        "download the CLI itself instead: TestWorkflowEnvironment.createLocal() from '@temporalio/testing'.",
    );
  }
}
