import type { ObservabilityConfig } from '../config/observability-config';
import { startErrorTracking, type ErrorTracking } from './error-tracking';
import { startTracing, type Tracing } from './tracing';

export interface ProcessObservability {
  /** Undefined while no OTLP endpoint is configured. */
  tracing?: Tracing;
  /** Undefined while no SENTRY_DSN is configured. */
  errors?: ErrorTracking;
  /** Sends what is still buffered (spans, error reports) and stops; before the process exits. */
  shutdown(): Promise<void>;
}

/** Tracing and error tracking of the API or the worker process, each only when configured. */
export function startProcessObservability(serviceName: string, config: ObservabilityConfig): ProcessObservability {
  const tracing = config.otlpTracesUrl ? startTracing({ serviceName, otlpTracesUrl: config.otlpTracesUrl }) : undefined;
  const errors = config.sentryDsn ? startErrorTracking({ dsn: config.sentryDsn, serviceName, environment: config.sentryEnvironment, processHandlers: true }) : undefined;
  return {
    tracing,
    errors,
    async shutdown() {
      await Promise.allSettled([tracing?.shutdown(), errors?.close()]);
    },
  };
}
