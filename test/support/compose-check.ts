import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';
import { buildOnce, run, toolCacheDir } from '../../libs/temporal/tool-cache';

const SOURCE_DIR = join(repoRoot(), 'tools', 'compose-check');

export interface ComposeOutcome {
  code: number | null;
  /** The project as Docker Compose resolved it, when it loaded. */
  project?: ComposeProject;
  stderr: string;
}

export interface ComposeProject {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      restart?: string;
      environment?: Record<string, string | null>;
      healthcheck?: { test?: string[] };
      ports?: { host_ip?: string; published?: string; target: number }[];
      depends_on?: Record<string, { condition: string }>;
    }
  >;
}

/**
 * tools/compose-check (compose-go, the loader Docker Compose itself uses), built once from its committed go.mod
 * and go.sum through the Go module proxy into the tool cache, under a name that changes with its sources.
 */
export async function ensureComposeCheck(log: (line: string) => void = () => undefined): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(SOURCE_DIR, file)));
  const dir = join(toolCacheDir(), 'compose-check', hash.digest('hex').slice(0, 16));
  await buildOnce(
    dir,
    'compose-check',
    (partial) => run('go', ['build', '-trimpath', '-o', join(partial, 'compose-check'), '.'], { cwd: SOURCE_DIR, env: { ...process.env, CGO_ENABLED: '0' }, log }),
    log,
  );
  return join(dir, 'compose-check');
}

/** Loads a compose file with an env file, as `docker compose --env-file <envFile> config` would. */
export function loadCompose(binary: string, composeFile: string, envFile: string): Promise<ComposeOutcome> {
  return new Promise((resolve) =>
    execFile(binary, ['-f', composeFile, '-env-file', envFile], { env: { PATH: process.env.PATH }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, project: error ? undefined : (JSON.parse(stdout) as ComposeProject), stderr }),
    ),
  );
}
