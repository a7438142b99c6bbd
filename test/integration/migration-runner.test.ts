import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';
import { MigrationError, readMigrationFiles, runMigrations } from '../../libs/db/migration-runner';
import { ownerConnection, testEnv } from '../support/test-environment';

const migrationsDir = join(repoRoot(), 'prisma', 'migrations');

describe('migration runner (real PostgreSQL)', () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'custodian-migrations-'));
    await cp(migrationsDir, scratch, { recursive: true });
  });

  afterEach(() => rm(scratch, { recursive: true, force: true }));

  it("records every applied migration with its SHA-256 in Prisma's table and applies nothing twice", async () => {
    expect(await runMigrations(testEnv().ownerUrl, migrationsDir)).toEqual([]);
    const owner = await ownerConnection();
    const { rows } = await owner.query('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name');
    await owner.end();
    const files = await readMigrationFiles(migrationsDir);
    expect(rows.map((row) => [row.migration_name, row.checksum])).toEqual(files.map((file) => [file.name, file.checksum]));
    expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const [first] = await readMigrationFiles(scratch);
    await appendFile(join(scratch, first!.name, 'migration.sql'), '\n-- edited later\n');
    await expect(runMigrations(testEnv().ownerUrl, scratch)).rejects.toThrow(
      new RegExp(`migration ${first!.name} was changed after it was applied`),
    );
  });

  it('refuses to run when an applied migration is missing', async () => {
    const [first] = await readMigrationFiles(scratch);
    await rm(join(scratch, first!.name), { recursive: true });
    await expect(runMigrations(testEnv().ownerUrl, scratch)).rejects.toThrow(MigrationError);
  });

  it('applies a new migration once, and rolls back a failing one completely', async () => {
    const good = '29991231000000_test_probe';
    const bad = '29991231000001_test_broken';
    await mkdir(join(scratch, good));
    await writeFile(join(scratch, good, 'migration.sql'), 'CREATE TABLE migration_probe (id int);');
    await mkdir(join(scratch, bad));
    await writeFile(join(scratch, bad, 'migration.sql'), 'CREATE TABLE migration_probe_2 (id int); SELECT no_such_function();');

    const owner = await ownerConnection();
    try {
      await expect(runMigrations(testEnv().ownerUrl, scratch)).rejects.toThrow(/29991231000001_test_broken failed/);
      const tables = await owner.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'migration_probe%'");
      expect(tables.rows.map((row) => row.tablename)).toEqual(['migration_probe']);
      await rm(join(scratch, bad), { recursive: true });
      expect(await runMigrations(testEnv().ownerUrl, scratch)).toEqual([]);
    } finally {
      await owner.query('DROP TABLE IF EXISTS migration_probe');
      await owner.query('DELETE FROM _prisma_migrations WHERE migration_name = $1', [good]);
      await owner.end();
    }
  });
});
