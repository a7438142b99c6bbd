import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { postgresUrl } from '../../libs/config/app-config';
import { repoRoot } from '../../libs/config/repo-root';
import { startEmbeddedPostgres, type PostgresInstance } from '../../libs/db/embedded-postgres';

// docker-compose's postgres container runs docker/postgres-init.sh with psql on a fresh cluster; the apps then log
// in with the URL and the password kept apart (DATABASE_URL + DATABASE_PASSWORD). Passwords are whatever a
// password generator gives, quotes and URL delimiters included.

const PASSWORDS = {
  CUSTODIAN_OWNER_PASSWORD: `o'wn/er#1;DROP ROLE x;--`,
  CUSTODIAN_APP_PASSWORD: `a"p\\p%2F@:?x/y#z`,
  TEMPORAL_DB_PASSWORD: `t/e#m'p%:@1`,
};

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('docker/postgres-init.sh on a fresh cluster', () => {
  let dir: string;
  let postgres: PostgresInstance;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'postgres-init-'));
    postgres = await startEmbeddedPostgres({ baseDir: join(dir, 'postgres'), temporary: true });
    // What the postgres image starts from: no Custodian roles or database yet.
    const superuser = new URL(postgres.superuserUrl);
    superuser.pathname = '/postgres';
    const client = new Client({ connectionString: superuser.toString() });
    await client.connect();
    try {
      await client.query('DROP DATABASE custodian WITH (FORCE)');
      for (const role of ['custodian_app', 'custodian_owner', 'custodian_audit_keeper']) await client.query(`DROP ROLE ${role}`);
    } finally {
      await client.end();
    }
  }, 60_000);

  afterAll(async () => {
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the roles with passwords of any characters, and Temporal its own non-superuser role and databases', async () => {
    const superuser = new URL(postgres.superuserUrl);
    const env = {
      PATH: process.env.PATH,
      POSTGRES_USER: 'postgres',
      PGHOST: '127.0.0.1',
      PGPORT: String(postgres.port),
      PGPASSWORD: decodeURIComponent(superuser.password),
      ...PASSWORDS,
    };
    await new Promise<void>((resolve, reject) =>
      execFile('bash', [join(repoRoot(), 'docker', 'postgres-init.sh')], { env }, (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve())),
    );

    const at = (user: string, database: string) => `postgresql://${user}@127.0.0.1:${postgres.port}/${database}`;
    const app = postgresUrl({ DATABASE_URL: at('custodian_app', 'custodian'), DATABASE_PASSWORD: PASSWORDS.CUSTODIAN_APP_PASSWORD }, 'DATABASE_URL');
    expect(await query(app, 'SELECT current_user AS role')).toEqual([{ role: 'custodian_app' }]);
    const owner = postgresUrl({ DATABASE_OWNER_URL: at('custodian_owner', 'custodian'), DATABASE_OWNER_PASSWORD: PASSWORDS.CUSTODIAN_OWNER_PASSWORD }, 'DATABASE_OWNER_URL');
    expect(await query(owner, "SELECT current_user AS role, (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'custodian') AS owner")).toEqual([
      { role: 'custodian_owner', owner: 'custodian_owner' },
    ]);

    const temporal = postgresUrl({ DATABASE_URL: at('temporal', 'temporal_visibility'), DATABASE_PASSWORD: PASSWORDS.TEMPORAL_DB_PASSWORD }, 'DATABASE_URL');
    expect(
      await query(
        temporal,
        `SELECT r.rolsuper AS superuser, r.rolcreatedb AS createdb,
           (SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE pg_get_userbyid(datdba) = 'temporal') AS databases,
           EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gin') AS btree_gin
         FROM pg_roles r WHERE r.rolname = current_user`,
      ),
    ).toEqual([{ superuser: false, createdb: false, databases: 'temporal,temporal_visibility', btree_gin: true }]);
    // The injection attempt in the owner's password was only ever a password.
    expect(await query(owner, "SELECT count(*)::int AS roles FROM pg_roles WHERE rolname IN ('custodian_owner', 'custodian_app', 'temporal')")).toEqual([{ roles: 3 }]);
  }, 60_000);
});
