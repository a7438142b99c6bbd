import { Client } from 'pg';

/** Role names the migrations grant to; a PostgreSQL provided through DATABASE_URL must have the same two. */
export const OWNER_ROLE = 'custodian_owner';
export const APP_ROLE = 'custodian_app';
/**
 * Owns the only functions allowed to delete audit events (retention prune, tenant deletion), and logs in as
 * nobody: the append-only trigger lets a DELETE through only when it is the current user, i.e. inside them.
 * The owner is a member without inheriting its rights, only so that migrations can hand functions to it.
 */
export const AUDIT_KEEPER_ROLE = 'custodian_audit_keeper';

export interface ProvisioningSecrets {
  database: string;
  ownerPassword: string;
  appPassword: string;
}

/**
 * Creates (or brings up to date) the database and its two roles, as a superuser. The owner runs migrations;
 * the app role is what the API and worker use: no superuser, no BYPASSRLS, owns nothing, so row-level
 * security always applies to it.
 */
export async function provisionDatabase(superuserUrl: string, secrets: ProvisioningSecrets): Promise<void> {
  const client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    await ensureRole(client, OWNER_ROLE, secrets.ownerPassword, 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS');
    await ensureRole(client, APP_ROLE, secrets.appPassword, 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT');
    await ensureAuditKeeperRole(client);
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [secrets.database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${quoteIdent(secrets.database)} OWNER ${OWNER_ROLE}`);
    }
  } finally {
    await client.end();
  }
}

async function ensureRole(client: Client, role: string, password: string, attributes: string): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
  // Utility statements take no bind parameters; the password is ours and quoted as a literal.
  await client.query(`${verb} ROLE ${role} WITH ${attributes} PASSWORD ${quoteLiteral(password)}`);
}

async function ensureAuditKeeperRole(client: Client): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [AUDIT_KEEPER_ROLE]);
  const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
  await client.query(`${verb} ROLE ${AUDIT_KEEPER_ROLE} WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT`);
  await client.query(`GRANT ${AUDIT_KEEPER_ROLE} TO ${OWNER_ROLE} WITH INHERIT FALSE`);
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
