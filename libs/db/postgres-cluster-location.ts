import { createHash } from 'node:crypto';
import { chown, lstat, mkdir, readdir, readFile, readlink, realpath, rm, rmdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { OsAccount } from './postgres-account';
import { rootStateDir } from './root-state-dir';

/** In each cluster's folder under ROOT_STATE_DIR: the baseDir it belongs to. */
export const BASE_DIR_FILE = 'base-dir';

export interface ClusterLocation {
  /** The cluster's data directory (PGDATA); its parent is private to the server's account. */
  dataDir: string;
  /** Deletes the cluster's files, and the link to them. */
  remove(): Promise<void>;
}

/**
 * Where the cluster kept for baseDir lives. Run as ourselves: baseDir/cluster. Run as the "postgres" account
 * (we are root), which cannot enter a folder only its owner may: ROOT_STATE_DIR/clusters/<hash of baseDir>/data,
 * owned by that account and mode 0700, with baseDir/cluster a symlink to it, so baseDir stays the place to
 * look and the next start finds the same cluster (also after the clone moved). Temporary clusters (tests)
 * go to ROOT_STATE_DIR/temporary instead, where those whose baseDir is gone (an interrupted run) are swept.
 */
export async function clusterLocation(baseDir: string, account: OsAccount | undefined, temporary: boolean): Promise<ClusterLocation> {
  const pointer = join(baseDir, 'cluster');
  if (!account) return { dataDir: pointer, remove: () => rm(pointer, { recursive: true, force: true }) };

  const existing = await lstat(pointer).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const dataDir = resolve(baseDir, await readlink(pointer));
    if (await isCluster(dataDir)) return linked(pointer, dataDir);
    // Its cluster was removed, or initdb never finished: start over.
    await rm(pointer);
  } else if (existing?.isDirectory()) {
    // A cluster made in place by an earlier version, in a folder the "postgres" account can enter.
    if (await isCluster(pointer)) return { dataDir: pointer, remove: () => rm(pointer, { recursive: true, force: true }) };
    // Left empty when that version's initdb could not reach its binaries.
    await rmdir(pointer);
  }

  const realBaseDir = await realpath(baseDir);
  const area = await rootStateDir([temporary ? 'temporary' : 'clusters'], 0o711);
  if (temporary) await sweepAbandoned(area);
  const clusterHome = join(area, createHash('sha256').update(realBaseDir).digest('hex').slice(0, 16));
  // Nothing links here any more, so this is what a deleted .data left behind, its passwords gone with it.
  await rm(clusterHome, { recursive: true, force: true });
  await mkdir(clusterHome, { mode: 0o700 });
  await chown(clusterHome, account.uid, account.gid);
  await writeFile(join(clusterHome, BASE_DIR_FILE), realBaseDir);
  const dataDir = join(clusterHome, 'data');
  await symlink(dataDir, pointer);
  return linked(pointer, dataDir);
}

/** Temporary clusters whose baseDir no longer exists: nobody can log in to them any more. */
async function sweepAbandoned(area: string): Promise<void> {
  for (const name of await readdir(area)) {
    // A folder without the file is being set up by another run right now.
    const baseDir = await readFile(join(area, name, BASE_DIR_FILE), 'utf8').catch(() => undefined);
    if (baseDir !== undefined && !(await exists(baseDir))) await rm(join(area, name), { recursive: true, force: true });
  }
}

function linked(pointer: string, dataDir: string): ClusterLocation {
  return {
    dataDir,
    remove: async () => {
      await rm(join(dataDir, '..'), { recursive: true, force: true });
      await rm(pointer, { force: true });
    },
  };
}

async function isCluster(dir: string): Promise<boolean> {
  return exists(join(dir, 'PG_VERSION'));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
