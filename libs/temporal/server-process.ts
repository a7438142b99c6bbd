import { spawn, type ChildProcess } from 'node:child_process';
import { forEachLine, type LogLine } from './tool-cache';

export interface ServerProcess {
  readonly pid: number | undefined;
  /** The last lines it printed, for the message when it does not come up. */
  tail(): string;
  /** Rejects once the process has exited (or could not be spawned); race it against becoming ready. */
  exited(): Promise<never>;
  /** SIGTERM, SIGKILL after the grace time; quiet from the first step, since shutting down logs expected warnings. */
  stop(): Promise<void>;
}

/**
 * A Temporal server process (the dev server or the real one) under supervision: its output logged with a prefix
 * and the last lines kept, killed when this process exits without stop(), stopped gracefully.
 */
export function startServerProcess(
  command: string,
  args: string[],
  opts: { logPrefix: string; log: LogLine; stopGraceMs: number; beforeStop?: () => Promise<void> },
): ServerProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let stopping = false;
  const onLine = (line: string) => {
    if (!line.trim()) return;
    output.push(line);
    if (output.length > 30) output.shift();
    if (!stopping) opts.log(`${opts.logPrefix}: ${line}`);
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
  return {
    pid: child.pid,
    tail: () => output.join('\n'),
    exited: () =>
      closed.then(() => {
        throw spawnError ?? new Error(`exited early (${child.signalCode ?? `exit code ${child.exitCode}`})`);
      }),
    stop: async () => {
      stopping = true;
      await opts.beforeStop?.();
      if (isRunning(child)) {
        child.kill('SIGTERM');
        if (!(await within(closed, opts.stopGraceMs))) child.kill('SIGKILL');
      }
      await closed;
      process.removeListener('exit', killOnExit);
    },
  };
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
