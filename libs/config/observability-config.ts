import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/**
 * Metrics, traces, error reports and the worker's health port. Each is off until its setting is given: a
 * fresh install sends nothing anywhere and opens no extra port.
 */
export interface ObservabilityConfig {
  /** METRICS_TOKEN: the bearer token Prometheus sends to the API's GET /metrics; unset, /metrics answers 404. */
  metricsToken?: string;
  /** Where spans go over OTLP/HTTP (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces); unset: no tracing. */
  otlpTracesUrl?: string;
  /** SENTRY_DSN of a self-hosted tracker (GlitchTip, Sentry); unset: errors go to the log only. */
  sentryDsn?: string;
  /** SENTRY_ENVIRONMENT, e.g. production or staging. */
  sentryEnvironment?: string;
  worker: WorkerObservabilityConfig;
}

export interface WorkerObservabilityConfig {
  /** WORKER_METRICS_ADDRESS (host:port): the Temporal runtime's Prometheus endpoint; unset: none. */
  metricsAddress?: string;
  /** WORKER_HEALTH_ADDRESS (host:port): /health/live and /health/ready of the worker; unset: none. */
  healthAddress?: string;
  /** WORKER_SHUTDOWN_GRACE_SECONDS: how long running activities may finish after SIGTERM before they are cancelled. */
  shutdownGraceSeconds: number;
}

export function loadObservabilityConfig(env: Env = process.env): ObservabilityConfig {
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN must be at least 16 characters');
  return {
    metricsToken,
    otlpTracesUrl: otlpTracesUrl(env),
    sentryDsn: sentryDsn(env),
    sentryEnvironment: env.SENTRY_ENVIRONMENT || undefined,
    worker: {
      metricsAddress: hostPort(env, 'WORKER_METRICS_ADDRESS'),
      healthAddress: hostPort(env, 'WORKER_HEALTH_ADDRESS'),
      shutdownGraceSeconds: graceSeconds(env, 'WORKER_SHUTDOWN_GRACE_SECONDS', 30),
    },
  };
}

/** The OpenTelemetry SDK's own variable names, so an operator's usual settings work unchanged. */
function otlpTracesUrl(env: Env): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const [name, url] = traces ? ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces] : base ? ['OTEL_EXPORTER_OTLP_ENDPOINT', `${base.replace(/\/+$/, '')}/v1/traces`] : [];
  if (!name || !url) return undefined;
  if (!/^https?:\/\/[^/]/.test(url)) throw new ConfigError(`${name} must be an http:// or https:// URL (OTLP over HTTP); got "${url}"`);
  return url;
}

function sentryDsn(env: Env): string | undefined {
  const value = env.SENTRY_DSN;
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('SENTRY_DSN is not a URL; write it as https://<key>@<host>/<project id>');
  }
  if (!url.username || !/^\/(.+\/)?\d+$/.test(url.pathname)) throw new ConfigError('SENTRY_DSN must look like https://<key>@<host>/<project id>');
  return value;
}

function hostPort(env: Env, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) > 65535) throw new ConfigError(`${name} must be host:port, like 127.0.0.1:9464; got "${value}"`);
  return value;
}

function graceSeconds(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 3600) throw new ConfigError(`${name} must be an integer between 0 and 3600; got "${raw}"`);
  return value;
}
