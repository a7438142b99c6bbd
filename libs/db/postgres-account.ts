import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The OS account PostgreSQL's processes run as, when it is not the current one. */
export interface OsAccount {
  name: string;
  uid: number;
  gid: number;
}

const ACCOUNT = 'postgres';

/**
 * PostgreSQL refuses to run as root, so root runs it as the unprivileged "postgres" account (created on
 * first use, as a system account without a home); anyone else runs it as themselves (undefined).
 */
export async function postgresServerAccount(): Promise<OsAccount | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookUp(ACCOUNT);
  if (existing) return existing;
  if (!(await groupExists(ACCOUNT))) await run('groupadd', ['--system', ACCOUNT]);
  await run('useradd', ['--system', '--gid', ACCOUNT, '--no-create-home', '--home-dir', '/nonexistent', ACCOUNT]);
  const created = await lookUp(ACCOUNT);
  if (!created) throw new Error(`created the "${ACCOUNT}" OS account, but \`id ${ACCOUNT}\` does not find it`);
  return created;
}

async function lookUp(name: string): Promise<OsAccount | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

async function groupExists(name: string): Promise<boolean> {
  return run('getent', ['group', name]).then(
    () => true,
    () => false,
  );
}
