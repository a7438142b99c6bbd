import { join } from 'node:path';
import { Client } from 'pg';
import { ConfigError, postgresUrl } from '../config/app-config';
import { repoRoot } from '../config/repo-root';
import { APP_ROLE, OWNER_ROLE } from './database-provisioning';
import { embeddedPostgresUrls, startEmbeddedPostgres } from './embedded-postgres';

/** The settings a maintenance command may need, and the role each one names. */
const ROLE_OF = { DATABASE_OWNER_URL: OWNER_ROLE, DATABASE_URL: APP_ROLE } as const;
export type DatabaseSetting = keyof typeof ROLE_OF;

export interface MaintenanceDatabase {
  url: string;
  /** Stops the embedded PostgreSQL if this command started it; nothing otherwise. */
  release(): Promise<void>;
}

/**
 * The database a maintenance command (migrate, operator:key, audit:verify, audit:prune, keys:rotate) works on:
 * the setting when it is given; with neither DATABASE_URL nor DATABASE_OWNER_URL set, the embedded PostgreSQL
 * that `npm start` keeps in .data/postgres, started for the command when it is not running (and stopped
 * again by release()). A setting that is missing where there is nothing to fall back on is a ConfigError
 * that says what to set and where to find the value.
 */
export async function maintenanceDatabase(
  setting: DatabaseSetting,
  options: { env?: Record<string, string | undefined>; log?: (line: string) => void } = {},
): Promise<MaintenanceDatabase> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  const nothing = async () => undefined;
  if (env[setting]) return { url: postgresUrl(env, setting), release: nothing };

  const other = setting === 'DATABASE_URL' ? 'DATABASE_OWNER_URL' : 'DATABASE_URL';
  const baseDir = join(repoRoot(), '.data', 'postgres');
  if (env[other]) throw missing(setting, `${other} is set, so the embedded PostgreSQL is not used`);
  const embedded = await embeddedPostgresUrls(baseDir);
  if (!embedded) throw missing(setting, `there is no embedded PostgreSQL in ${baseDir} (\`npm start\` creates it)`);

  const url = setting === 'DATABASE_URL' ? embedded.appUrl : embedded.ownerUrl;
  if (await accepts(embedded.ownerUrl)) return { url, release: nothing };
  log(`starting the embedded PostgreSQL in ${baseDir} for this command (stopped again when it is done) ...`);
  const started = await startEmbeddedPostgres({ baseDir, preferredPort: embedded.port });
  return { url: setting === 'DATABASE_URL' ? started.appUrl : started.ownerUrl, release: () => started.stop() };
}

/** Whether the server answers there; a refused connection means it is not running, anything else is an error. */
async function accepts(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function missing(setting: DatabaseSetting, why: string): ConfigError {
  const role = ROLE_OF[setting];
  return new ConfigError(
    `${setting} is not set, and ${why}. Set ${setting} to the PostgreSQL URL of the ${role} role, ` +
      `postgresql://${role}:<password>@<host>:5432/custodian (percent-encode the password); ` +
      'with docker-compose the password is CUSTODIAN_' + (setting === 'DATABASE_URL' ? 'APP' : 'OWNER') + '_PASSWORD in its .env ' +
      '(README, "Environment variables" and "Production-shaped stack").',
  );
}
