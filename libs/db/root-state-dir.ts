import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where root's embedded PostgreSQL keeps what its unprivileged "postgres" account must reach (a copy of the
 * binaries, the clusters): outside every user's home, since a home or a `mktemp -d` folder is mode 0700.
 */
export const ROOT_STATE_DIR = '/var/lib/custodian';

/** ROOT_STATE_DIR/<segments>, created root-owned and enterable by every account (the last level with `mode`). */
export async function rootStateDir(segments: string[], mode = 0o755): Promise<string> {
  let dir = ROOT_STATE_DIR;
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  for (const [index, segment] of segments.entries()) {
    dir = join(dir, segment);
    await mkdir(dir, { recursive: true });
    await chmod(dir, index === segments.length - 1 ? mode : 0o755);
  }
  return dir;
}
