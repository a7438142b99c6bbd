import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';

export interface CommandOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The README's line for a maintenance command, as a reader copies it: the first `npm run …` line of a code block
 * that starts with `start` (e.g. "npm run audit:verify -- --tenant"), without its # comment.
 */
export function readmeCommand(start: string): string {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
  const line = readme.split('\n').find((text) => text.startsWith(start) && /^npm run /.test(text));
  if (!line) throw new Error(`the README has no line starting with "${start}"`);
  return line.replace(/\s+#.*$/, '').trim();
}

/**
 * Runs `npm run <script> [-- args]` as npm would, less the build: package.json says which compiled CLI the script
 * runs (dist/<path>.js); its TypeScript source <path>.ts runs under jiti with the same arguments, from the given
 * checkout (whose .data/ it then finds), with npm's INIT_CWD set to the caller's folder.
 */
export function runNpmCommand(
  command: string,
  options: { checkout: string; env: NodeJS.ProcessEnv; callerDir?: string; timeoutMs?: number },
): Promise<CommandOutcome> {
  const match = /^npm run ([\w:-]+)(?: -- (.*))?$/.exec(command);
  if (!match) throw new Error(`not an npm run command: ${command}`);
  const scripts = (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const script = scripts[match[1]!];
  const compiled = script && /node dist\/(\S+)\.js(?:\s|$)/.exec(script);
  if (!compiled) throw new Error(`package.json's "${match[1]}" runs no compiled CLI from dist/`);
  const args = match[2] ? match[2].split(/\s+/) : [];
  const child = spawn(process.execPath, ['--import', 'jiti/register', join(options.checkout, `${compiled[1]}.ts`), ...args], {
    cwd: options.checkout,
    env: {
      ...options.env,
      // Another checkout's transpile cache goes outside it: in its node_modules it would be written into files
      // hard-linked to this one's.
      ...(options.checkout === repoRoot() ? {} : { JITI_FS_CACHE: join(repoRoot(), 'test-output', 'jiti-cache') }),
      INIT_CWD: options.callerDir ?? options.checkout,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment of a user who set nothing: none of the settings the test run itself uses. */
export function environmentWithoutSettings(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(DATABASE_|TEST_|TEMPORAL_|CUSTODIAN_KEY_FILE$|KMS_)/.test(name)) delete env[name];
  }
  return env;
}
