import { execFileSync } from 'node:child_process';
import { chown, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';

export interface PrivateCheckout {
  /** A folder of mode 0700, like a home directory. */
  home: string;
  /** The checkout inside it, also mode 0700. */
  dir: string;
  remove(): Promise<void>;
}

/**
 * A copy of this checkout where a newcomer's `git clone` into ~ or `mktemp -d` would put it: in a folder
 * only its owner may enter. It holds libs/, the given files and node_modules (hard-linked: instant, and the
 * PostgreSQL binaries really sit inside the private folder). Made under test-output/ so the links stay on
 * node_modules' file system.
 */
export async function privateCheckout(files: string[], owner?: { uid: number; gid: number }): Promise<PrivateCheckout> {
  const root = repoRoot();
  await mkdir(join(root, 'test-output'), { recursive: true });
  const home = await mkdtemp(join(root, 'test-output', 'private-home-'));
  const dir = await mkdtemp(join(home, 'clone-'));
  execFileSync('cp', ['-al', join(root, 'node_modules'), join(dir, 'node_modules')]);
  for (const file of ['package.json', 'libs', ...files]) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await cp(join(root, file), join(dir, file), { recursive: true });
  }
  if (owner) {
    // Only the two folders: a recursive chown would reach the hard-linked files of the real checkout.
    await chown(home, owner.uid, owner.gid);
    await chown(dir, owner.uid, owner.gid);
  }
  return { home, dir, remove: () => rm(home, { recursive: true, force: true }) };
}
