import { spawn, type ChildProcess } from 'node:child_process';
import { chown, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OsAccount } from './postgres-account';
import type { PostgresBinaries } from './postgres-binaries';

export interface PostgresServerOptions {
  binaries: PostgresBinaries;
  dataDir: string;
  /** Run as this account; undefined runs as ourselves. */
  account: OsAccount | undefined;
  log: (line: string) => void;
}

export interface RunningPostgres {
  /** Fast shutdown (SIGINT); resolves when the server has exited. */
  stop(): Promise<void>;
}

/** Readiness and failures are read from the server's messages, so they must be in English. */
const ENGLISH = 'C';
const SHUTDOWN_GRACE_MS = 30_000;
const OUTPUT_KEPT_CHARS = 8192;

/**
 * initdb with a superuser password. The password file sits beside dataDir, in a folder private to the
 * server's account, for the seconds initdb needs it.
 */
export async function initialiseCluster(options: PostgresServerOptions & { superuser: string; superuserPassword: string }): Promise<void> {
  const passwordFile = join(dirname(options.dataDir), '.initdb-password');
  await writeFile(passwordFile, `${options.superuserPassword}\n`, { mode: 0o600 });
  try {
    if (options.account) await chown(passwordFile, options.account.uid, options.account.gid);
    const initdb = launch(options, options.binaries.initdb, [
      `--pgdata=${options.dataDir}`,
      '--auth=scram-sha-256',
      `--username=${options.superuser}`,
      `--pwfile=${passwordFile}`,
      // UTF-8 and byte-order collation whatever the shell's locale (often unset for root in a container).
      '--encoding=UTF8',
      '--locale=C',
      `--lc-messages=${ENGLISH}`,
    ]);
    const output = collect(initdb, options.log);
    const [code, signal] = await exited(initdb);
    if (code !== 0) throw new Error(`initdb failed (${code ?? signal}): ${output().trim()}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Starts the server and resolves once it accepts connections. */
export async function startPostgresServer(options: PostgresServerOptions & { port: number; flags: string[] }): Promise<RunningPostgres> {
  const server = launch(options, options.binaries.postgres, ['-D', options.dataDir, '-p', String(options.port), ...options.flags]);
  const output = collect(server, options.log);
  const stopOnExit = () => server.kill('SIGINT');
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (!output().includes('database system is ready to accept connections')) return;
      server.stderr!.off('data', onData);
      resolve();
    };
    server.stderr!.on('data', onData);
    void exited(server).then(([code, signal]) => reject(new Error(`postgres exited (${code ?? signal}): ${output().trim()}`)));
  });
  // The server is a separate process; it must not outlive ours, however ours ends.
  process.on('exit', stopOnExit);
  return {
    stop: async () => {
      process.off('exit', stopOnExit);
      if (server.exitCode !== null || server.signalCode !== null) return;
      const gone = exited(server);
      server.kill('SIGINT');
      // Fast shutdown normally takes well under a second; immediate shutdown if it hangs.
      const timer = setTimeout(() => server.kill('SIGQUIT'), SHUTDOWN_GRACE_MS);
      await gone;
      clearTimeout(timer);
    },
  };
}

function launch(options: PostgresServerOptions, executable: string, args: string[]): ChildProcess {
  return spawn(executable, args, {
    ...(options.account && { uid: options.account.uid, gid: options.account.gid }),
    // Our working directory may be a folder the account cannot enter.
    cwd: dirname(options.dataDir),
    env: { ...process.env, LC_MESSAGES: ENGLISH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Passes every line to log and keeps the last of stdout + stderr for error messages; the function reads it. */
function collect(child: ChildProcess, log: (line: string) => void): () => string {
  let text = '';
  const take = (chunk: Buffer) => {
    const message = chunk.toString('utf8');
    text = (text + message).slice(-OUTPUT_KEPT_CHARS);
    log(message.trimEnd());
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  return () => text;
}

/** Exit code and signal; a spawn error (EACCES, ENOENT) counts as an exit. */
function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | string | null]> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve([code, signal]));
    child.once('error', (error) => resolve([null, error.message]));
  });
}
