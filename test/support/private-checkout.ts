import { execFileSync } from 'node:child_process';
import { chown, cp, mkdir, mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';
import { BASE_DIR_FILE } from '../../libs/db/postgres-cluster-location';
import { ROOT_STATE_DIR } from '../../libs/db/root-state-dir';

export interface PrivateCheckout {
  /** A folder of mode 0700, like a home directory. */
  home: string;
  /** The checkout inside it, also mode 0700. */
  dir: string;
  remove(): Promise<void>;
}

/**
 * A copy of this checkout where a newcomer's `git clone` into ~ or `mktemp -d` would put it: in a folder
 * only its owner may enter. It holds libs/, the given files and node_modules (hard-linked where the file system
 * allows: instant, and the PostgreSQL binaries really sit inside the private folder; copied otherwise). Made in
 * the OS temp folder, not inside this checkout: the checkout itself may sit in a folder another user cannot
 * enter (CI's clone, a root's home), and the ordinary user's copy must not.
 */
export async function privateCheckout(files: string[], owner?: { uid: number; gid: number }): Promise<PrivateCheckout> {
  const root = repoRoot();
  const home = await mkdtemp(join(tmpdir(), 'custodian-private-home-'));
  const dir = await mkdtemp(join(home, 'clone-'));
  try {
    execFileSync('cp', ['-al', join(root, 'node_modules'), join(dir, 'node_modules')], { stdio: 'ignore' });
  } catch {
    await rm(join(dir, 'node_modules'), { recursive: true, force: true });
    execFileSync('cp', ['-a', join(root, 'node_modules'), join(dir, 'node_modules')]);
  }
  for (const file of ['package.json', 'libs', ...files]) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await cp(join(root, file), join(dir, file), { recursive: true });
  }
  if (owner) {
    // Only the two folders: a recursive chown would reach the hard-linked files of the real checkout.
    await chown(home, owner.uid, owner.gid);
    await chown(dir, owner.uid, owner.gid);
  }
  const realHome = await realpath(home);
  return {
    home,
    dir,
    remove: async () => {
      await rm(home, { recursive: true, force: true });
      // Clusters root's PostgreSQL kept for this checkout, which a failed run did not get to delete.
      const clusters = join(ROOT_STATE_DIR, 'clusters');
      for (const name of await readdir(clusters).catch(() => [])) {
        const baseDir = await readFile(join(clusters, name, BASE_DIR_FILE), 'utf8').catch(() => '');
        if (baseDir.startsWith(`${realHome}/`)) await rm(join(clusters, name), { recursive: true, force: true });
      }
    },
  };
}
