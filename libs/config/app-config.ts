import { randomBytes } from 'node:crypto';
import { CUSTODIAN_TASK_QUEUE } from '../contracts/task-queues';
import { ConfigError } from './config-error';
import { loadTemporalTlsConfig, type TemporalTlsConfig } from './temporal-tls-config';
import { loadGoogleConfig, type GoogleConfig } from './google-config';
import { loadJiraConfig, type JiraConfig } from './jira-config';
import { loadObservabilityConfig, type ObservabilityConfig } from './observability-config';
import { trustProxySetting } from './trust-proxy';

/** The settings the API and the worker read from their environment, with the same names in every setting
 * (npm start, tests, docker-compose.yml). Bad values stop the process at start-up with a clear message. */
export interface AppConfig {
  /** PostgreSQL URL of the application role (NOSUPERUSER, NOBYPASSRLS, not the owner). */
  databaseUrl: string;
  temporal: TemporalConfig;
  api: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    codecCorsOrigins: string[];
    /** The API's address as browsers reach it (API_PUBLIC_URL); https there makes the codec cookie Secure. */
    publicUrl?: string;
    /** Express's `trust proxy` (TRUST_PROXY): hops or proxy addresses whose X-Forwarded-For names the client. */
    trustProxy: number | string[];
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  tenantLifecycle: TenantLifecycleConfig;
  /** Files on tickets: the largest accepted (TICKET_ATTACHMENT_MAX_BYTES); larger uploads get 413. */
  tickets: { attachmentMaxBytes: number };
  /** Null when no Google OAuth client is configured. */
  google: GoogleConfig | null;
  /** Null when no Atlassian OAuth app is configured. */
  jira: JiraConfig | null;
  /** Metrics, tracing, error tracker, worker health: each off until configured. */
  observability: ObservabilityConfig;
}

/**
 * Leaving Custodian: the deletion batch size and the export download links. The deletion grace period is no
 * setting: the database fixes it at seven days (tenant_deletion_grace_period()).
 */
export interface TenantLifecycleConfig {
  /** Rows per deletion batch: each batch is one short transaction and one activity. */
  deletionBatchSize: number;
  /** HMAC key of export download links; a random one per process unless set (links then die with it). */
  exportLinkSecret: string;
  exportLinkTtlSeconds: number;
}

export { ConfigError };

/** Where the Temporal cluster is and how to reach it; the same for the API, the worker and the CLIs. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  /** The worker polls it and the API starts every workflow on it. */
  taskQueue: string;
  /** TLS (mTLS with a client certificate) to the frontend; undefined: plaintext, as to the dev server. */
  tls?: TemporalTlsConfig;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadAppConfig(env: Env = process.env): AppConfig {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`);
  }
  const api = {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65535),
    bodyLimitBytes: integer(env, 'API_BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    codecCorsOrigins: origins(env, 'CODEC_CORS_ORIGINS'),
    publicUrl: publicUrl(env, 'API_PUBLIC_URL'),
    trustProxy: trustProxySetting(env, 'TRUST_PROXY'),
  };
  return {
    databaseUrl: postgresUrl(env, 'DATABASE_URL'),
    temporal: loadTemporalConfig(env),
    api,
    logLevel: logLevel as AppConfig['logLevel'],
    tenantLifecycle: {
      deletionBatchSize: integer(env, 'TENANT_DELETION_BATCH_SIZE', 500, 1, 10_000),
      exportLinkSecret: exportLinkSecret(env),
      exportLinkTtlSeconds: integer(env, 'EXPORT_LINK_TTL_SECONDS', 3600, 60, 7 * 24 * 3600),
    },
    tickets: { attachmentMaxBytes: integer(env, 'TICKET_ATTACHMENT_MAX_BYTES', 10 * 1024 * 1024, 1, 100 * 1024 * 1024) },
    google: loadGoogleConfig(env, `http://${api.host}:${api.port}`),
    jira: loadJiraConfig(env, `http://${api.host}:${api.port}`),
    observability: loadObservabilityConfig(env),
  };
}

export function loadTemporalConfig(env: Env = process.env): TemporalConfig {
  const tls = loadTemporalTlsConfig(env);
  return {
    address: required(env, 'TEMPORAL_ADDRESS'),
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || CUSTODIAN_TASK_QUEUE,
    ...(tls ? { tls } : {}),
  };
}

function exportLinkSecret(env: Env): string {
  const value = env.EXPORT_LINK_SECRET;
  if (value === undefined || value === '') return randomBytes(32).toString('base64url');
  if (value.length < 32) throw new ConfigError('EXPORT_LINK_SECRET must be at least 32 characters');
  return value;
}

export function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set`);
  return value;
}

/**
 * A PostgreSQL URL setting (DATABASE_URL, DATABASE_OWNER_URL). Its password may instead be given apart, as
 * DATABASE_PASSWORD / DATABASE_OWNER_PASSWORD, taken as it is: a password with / # @ % in it then needs no
 * percent-encoding (docker-compose.yml passes them so).
 */
export function postgresUrl(env: Env, name: string): string {
  const value = required(env, name);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL; write it as postgresql://<role>:<password>@<host>:5432/custodian (percent-encode the password, or give it as ${passwordSettingOf(name)})`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${name} must be a postgres:// URL`);
  }
  const password = env[passwordSettingOf(name)];
  if (!password) return value;
  url.password = encodeURIComponent(password);
  return url.toString();
}

function passwordSettingOf(urlSetting: string): string {
  return urlSetting.replace(/_URL$/, '_PASSWORD');
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}; got "${raw}"`);
  }
  return value;
}

function publicUrl(env: Env, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL; write it like https://custodian.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name} must be an http:// or https:// URL`);
  return value;
}

/** Browser origins (the Temporal Web UI) allowed to call the codec endpoint with credentials. */
function origins(env: Env, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of list) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError(`${name} holds "${origin}", which is not an origin like http://localhost:8233`);
    }
    if (url.origin !== origin) throw new ConfigError(`${name} holds "${origin}"; write the bare origin ${url.origin}`);
  }
  return list;
}
