import { Client } from 'pg';
import { run, type LogLine } from './tool-cache';

/**
 * Temporal's own login role, as in docker/postgres-init.sh: it owns its two databases (named after it, e.g.
 * temporal and temporal_visibility) and nothing else. Another name lets two clusters share one PostgreSQL.
 */
export const DEFAULT_TEMPORAL_DATABASE_ROLE = 'temporal';

export interface TemporalDatabaseLocation {
  host: string;
  port: number;
  role: string;
  password: string;
  persistenceDatabase: string;
  visibilityDatabase: string;
}

/**
 * Temporal's role and databases on a PostgreSQL we hold a superuser URL for (created once, the password
 * brought up to date on every call), then both schemas set up and brought up to date by the server's own
 * schema tool from the schema files built into it. Every step is idempotent, so it runs on every start, also
 * after an upgrade of the pinned server.
 */
export async function prepareTemporalDatabases(
  superuserUrl: string,
  account: { role: string; password: string },
  sqlTool: string,
  log: LogLine,
): Promise<TemporalDatabaseLocation> {
  const { role, password } = account;
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`unsafe role name for Temporal's databases: ${role}`);
  const url = new URL(superuserUrl);
  const location = { host: url.hostname, port: Number(url.port) || 5432, role, password, persistenceDatabase: role, visibilityDatabase: `${role}_visibility` };
  const client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    // Utility statements take no bind parameters; the password is ours and quoted as a literal.
    await client.query(
      `${existing.rowCount === 0 ? 'CREATE' : 'ALTER'} ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB ` +
        `NOCREATEROLE NOBYPASSRLS PASSWORD ${quoteLiteral(password)}`,
    );
    for (const database of [location.persistenceDatabase, location.visibilityDatabase]) {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${database} OWNER ${role}`);
    }
  } finally {
    await client.end();
  }
  // The visibility schema wants btree_gin, which only a superuser may create.
  const visibilityUrl = new URL(superuserUrl);
  visibilityUrl.pathname = `/${location.visibilityDatabase}`;
  const visibility = new Client({ connectionString: visibilityUrl.toString() });
  await visibility.connect();
  try {
    await visibility.query('CREATE EXTENSION IF NOT EXISTS btree_gin');
  } finally {
    await visibility.end();
  }

  const schemas = { [location.persistenceDatabase]: 'postgresql/v12/temporal', [location.visibilityDatabase]: 'postgresql/v12/visibility' };
  for (const [database, schemaName] of Object.entries(schemas)) {
    const connection = ['--plugin', 'postgres12', '--ep', location.host, '-p', String(location.port), '-u', role, '--db', database];
    // The tool reads the password from SQL_PASSWORD, so it never shows in a process listing.
    // Its DEBUG and INFO lines name every statement and file of the schema; a failure still shows the last lines.
    const options = { env: { ...process.env, SQL_PASSWORD: password }, log: (line: string) => !/\t(DEBUG|INFO)\t/.test(line) && log(`temporal-sql-tool: ${line}`) };
    await run(sqlTool, [...connection, 'setup-schema', '-v', '0.0'], options);
    await run(sqlTool, [...connection, 'update-schema', '--schema-name', schemaName], options);
  }
  log(`Temporal's schemas are up to date in ${location.persistenceDatabase} and ${location.visibilityDatabase}`);
  return location;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
