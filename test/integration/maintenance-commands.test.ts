import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { isPortFree } from '../../libs/config/free-port';
import { embeddedPostgresUrls, startEmbeddedPostgres, type PostgresInstance } from '../../libs/db/embedded-postgres';
import { privateCheckout, type PrivateCheckout } from '../support/private-checkout';
import { environmentWithoutSettings, readmeCommand, runNpmCommand, type CommandOutcome } from '../support/readme-command';

// A newcomer who ran `npm start` once types the README's maintenance commands with nothing set: they work on the
// embedded PostgreSQL in .data/, starting it when npm start is not running and stopping it again; before there is
// any, they say what to set and where the value is.

const MIGRATE = 'npm run migrate';
const OPERATOR_KEY = 'npm run operator:key -- --name';
const VERIFY_TENANT = 'npm run audit:verify -- --tenant';
const PRUNE = 'npm run audit:prune';
const ROTATE = 'npm run keys:rotate';

async function ownerQuery<T extends object>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('maintenance commands as the README writes them, on the embedded default with nothing set', () => {
  let checkout: PrivateCheckout;
  let baseDir: string;
  let running: PostgresInstance | undefined;

  const run = (command: string): Promise<CommandOutcome> => runNpmCommand(command, { checkout: checkout.dir, env: environmentWithoutSettings() });
  /** The README's line, with its placeholder filled in. */
  const readme = (start: string, value?: string) => readmeCommand(start).replace(/<[^>]+>|alice$/, value ?? '$&');

  beforeAll(async () => {
    checkout = await privateCheckout(['prisma', 'apps/api/src/auth']);
    baseDir = join(checkout.dir, '.data', 'postgres');
  });

  afterAll(async () => {
    await running?.stop();
    await checkout.remove();
  });

  it('say what to set and where to find its value while there is no embedded PostgreSQL', async () => {
    for (const [command, setting, role] of [
      [readme(MIGRATE), 'DATABASE_OWNER_URL', 'custodian_owner'],
      [readme(OPERATOR_KEY), 'DATABASE_OWNER_URL', 'custodian_owner'],
      [readme(PRUNE), 'DATABASE_OWNER_URL', 'custodian_owner'],
      [readme(ROTATE), 'DATABASE_OWNER_URL', 'custodian_owner'],
      [readme(VERIFY_TENANT, randomUUID()), 'DATABASE_URL', 'custodian_app'],
    ] as const) {
      const outcome = await run(command);
      expect({ command, code: outcome.code }).toEqual({ command, code: 1 });
      expect(outcome.stderr).toContain(`${setting} is not set, and there is no embedded PostgreSQL in ${baseDir} (\`npm start\` creates it).`);
      expect(outcome.stderr).toContain(`Set ${setting} to the PostgreSQL URL of the ${role} role, postgresql://${role}:<password>@<host>:5432/custodian`);
    }
  }, 180_000);

  it('start the cluster npm start left stopped, do their work, and stop it again', async () => {
    // npm start's first run, then Ctrl-C: the cluster and its passwords stay in .data/.
    await (await startEmbeddedPostgres({ baseDir })).stop();
    const { port, ownerUrl } = (await embeddedPostgresUrls(baseDir))!;

    const migrated = await run(readme(MIGRATE));
    expect(migrated).toMatchObject({ code: 0, stdout: expect.stringMatching(/^applied: \d{14}_platform, /) });
    expect(migrated.stderr).toContain(`starting the embedded PostgreSQL in ${baseDir} for this command`);
    expect(await isPortFree(port)).toBe(true);

    const minted = await run(readme(OPERATOR_KEY, 'alice'));
    expect(minted).toMatchObject({ code: 0, stdout: expect.stringMatching(/^operator key [0-9a-f-]{36} for "alice" \(shown once\):\nco_\S+\n$/) });
    expect(await isPortFree(port)).toBe(true);

    const pruned = await run(readme(PRUNE));
    expect(pruned).toMatchObject({ code: 0, stdout: '0 tenants checked, 0 pruned\n' });

    const rotated = await run(readme(ROTATE));
    expect(rotated).toMatchObject({ code: 0, stdout: expect.stringMatching(/^new KEK version 2\n0 data keys re-wrapped under KEK version 2\n$/) });
    expect(existsSync(join(checkout.dir, '.data', 'keys', 'kek.json'))).toBe(true);
    expect(await isPortFree(port)).toBe(true);

    running = await startEmbeddedPostgres({ baseDir });
    expect(running.ownerUrl).toBe(ownerUrl);
    expect(await ownerQuery<{ name: string }>(ownerUrl, 'SELECT name FROM operator_keys')).toEqual([{ name: 'alice' }]);
  }, 240_000);

  it('use the cluster npm start runs, leave it running, and tell an unknown tenant from a known one', async () => {
    running ??= await startEmbeddedPostgres({ baseDir });
    const tenantId = randomUUID();
    const client = new Client({ connectionString: running.ownerUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
      await client.query('INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)', [tenantId, 'acme', 'Acme']);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }

    const migrated = await run(readme(MIGRATE));
    expect(migrated).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
    expect(migrated.stderr).not.toContain('starting the embedded PostgreSQL');

    const unknown = randomUUID();
    const notThere = await run(readme(VERIFY_TENANT, unknown));
    expect(notThere.code).toBe(1);
    expect(notThere.stdout).not.toContain('OK');
    expect(notThere.stderr).toContain(`no tenant ${unknown} in this database`);

    const verified = await run(readme(VERIFY_TENANT, tenantId));
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: 0 events verified, chain ends at seq 0\b/) });

    const pruned = await run(readme(PRUNE));
    expect(pruned).toMatchObject({ code: 0, stdout: '1 tenants checked, 0 pruned\n' });
    // Still npm start's: it answers.
    expect(await ownerQuery<{ one: number }>(running.ownerUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  }, 180_000);
});
