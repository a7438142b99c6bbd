import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { repoRoot } from '../config/repo-root';

export type LogLine = (line: string) => void;

/** The git-ignored cache of tools the project builds for itself (never downloaded at run time). */
export function toolCacheDir(): string {
  return join(repoRoot(), '.tools');
}

/** A lock held by a process that died (or a lock dir too old to still be in its first write) is stale. */
const orphanLockAgeMs = 60_000;
const lockPollMs = 1_000;

/**
 * Makes sure `dir` holds a finished build, building it at most once across processes: a mkdir lock
 * (owner pid inside), the build into `<dir>.partial`, then one rename, so a killed build leaves no half tool.
 */
export async function buildOnce(
  dir: string,
  finishedMarker: string,
  build: (partialDir: string) => Promise<void>,
  log: LogLine,
): Promise<void> {
  if (existsSync(join(dir, finishedMarker))) return;
  const lock = `${dir}.lock`;
  const finished = () => existsSync(join(dir, finishedMarker));
  // Another process may finish the build while we wait for its lock.
  if (!(await acquireLock(lock, finished, log))) return;
  try {
    if (finished()) return;
    const partial = `${dir}.partial`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    await build(partial);
    if (!existsSync(join(partial, finishedMarker))) throw new Error(`build produced no ${finishedMarker} in ${partial}`);
    // Leftovers without the marker (a hand-made or older layout) would block the rename.
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  } finally {
    await rm(`${dir}.partial`, { recursive: true, force: true });
    await rm(lock, { recursive: true, force: true });
  }
}

/** Takes the lock (true), or returns false once `done` holds while someone else has it. */
async function acquireLock(lock: string, done: () => boolean, log: LogLine): Promise<boolean> {
  let announced = false;
  for (;;) {
    try {
      await mkdir(lock, { recursive: false });
      await writeFile(join(lock, 'owner'), String(process.pid));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        await mkdir(join(lock, '..'), { recursive: true });
        continue;
      }
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (done()) return false;
    if (await isStale(lock)) {
      log(`removing the stale lock ${lock}`);
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log(`waiting for another process that holds ${lock} ...`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, lockPollMs));
  }
}

async function isStale(lock: string): Promise<boolean> {
  const owner = Number(await readFile(join(lock, 'owner'), 'utf8').catch(() => ''));
  if (owner > 0) return !isAlive(owner);
  const info = await stat(lock).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > orphanLockAgeMs;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs a command to completion, streaming its output lines to `log`; rejects with the last lines on failure. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; log: LogLine },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const onLine = (raw: string) => {
      // Debian's Maven 3.8 prints colour resets even in batch mode.
      const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      options.log(line);
    };
    forEachLine(child.stdout, onLine);
    forEachLine(child.stderr, onLine);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail.join('\n')}`));
    });
  });
}

/** Runs a command and returns its stdout+stderr, or undefined when it cannot be started or fails. */
export function probe(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? output : undefined));
  });
}

/** Calls `onLine` for every complete line of a child's output stream. */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}

export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
