import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, as the owner role, recording each in
 * Prisma's own _prisma_migrations table (same columns and SHA-256 checksum), so a machine with internet can
 * switch to `prisma migrate deploy` without re-applying anything. Refuses to run when a migration that was
 * applied has changed on disk or disappeared.
 */
export async function runMigrations(ownerUrl: string, migrationsDir: string): Promise<string[]> {
  const files = await readMigrationFiles(migrationsDir);
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    // One runner at a time per database (the API, the worker and a CLI may all start together).
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['custodian.migrations']);
    await client.query(`CREATE TABLE IF NOT EXISTS _prisma_migrations (
      id                  varchar(36) PRIMARY KEY NOT NULL,
      checksum            varchar(64) NOT NULL,
      finished_at         timestamptz,
      migration_name      varchar(255) NOT NULL,
      logs                text,
      rolled_back_at      timestamptz,
      started_at          timestamptz NOT NULL DEFAULT now(),
      applied_steps_count integer NOT NULL DEFAULT 0
    )`);
    const applied = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL',
    );
    const byName = new Map(files.map((file) => [file.name, file]));
    for (const row of applied.rows) {
      const file = byName.get(row.migration_name);
      if (!file) throw new MigrationError(`applied migration ${row.migration_name} is missing from ${migrationsDir}`);
      if (file.checksum !== row.checksum) {
        throw new MigrationError(
          `migration ${row.migration_name} was changed after it was applied (checksum ${row.checksum} in the database, ` +
            `${file.checksum} on disk); add a new migration instead of editing an applied one`,
        );
      }
      if (row.finished_at === null) {
        throw new MigrationError(`migration ${row.migration_name} started but never finished; inspect the database`);
      }
    }
    const done = new Set(applied.rows.map((row) => row.migration_name));
    const newlyApplied: string[] = [];
    for (const file of files.filter((candidate) => !done.has(candidate.name))) {
      await client.query('BEGIN');
      try {
        await client.query(file.sql);
        await client.query(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), file.checksum, file.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${file.name} failed: ${(error as Error).message}`);
      }
      newlyApplied.push(file.name);
    }
    return newlyApplied;
  } finally {
    await client.end();
  }
}

export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory() && /^\d{14}_[a-z0-9_]+$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}
