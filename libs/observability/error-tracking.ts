import * as Sentry from '@sentry/node';
import { scrubErrorReport } from './error-report-scrubbing';

export interface ErrorTracking {
  /** Sends what is queued, waiting at most the given time (before a process exits). */
  flush(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Unexpected errors go to a self-hosted tracker speaking the Sentry protocol (GlitchTip, Sentry) when
 * SENTRY_DSN is set. Sentry's own OpenTelemetry setup stays off (ours owns the tracer provider), and so do
 * its integrations that read request bodies, local variables or console output: only the error, its stack,
 * its cause chain and its own fields leave, scrubbed like the logs.
 */
export function startErrorTracking(options: { dsn: string; serviceName: string; environment?: string; processHandlers: boolean }): ErrorTracking {
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    serverName: options.serviceName,
    initialScope: { tags: { service: options.serviceName } },
    enableOpenTelemetrySetup: false,
    // Its load-time module transforms only feed the span integrations left out below.
    enableRuntimeChannelInjection: false,
    dataCollection: { userInfo: false, cookies: false, httpHeaders: false, httpBodies: [], urlQueryParams: false, databaseQueryData: false },
    defaultIntegrations: false,
    integrations: [
      Sentry.eventFiltersIntegration(),
      Sentry.functionToStringIntegration(),
      Sentry.linkedErrorsIntegration(),
      // The error's own fields (a client error's request config, the response it got): scrubbed like the rest.
      Sentry.extraErrorDataIntegration({ depth: 4 }),
      Sentry.dedupeIntegration(),
      Sentry.nodeContextIntegration(),
      ...(options.processHandlers ? [Sentry.onUncaughtExceptionIntegration(), Sentry.onUnhandledRejectionIntegration()] : []),
    ],
    beforeSend: (event) => scrubErrorReport(event),
    beforeBreadcrumb: (breadcrumb) => scrubErrorReport(breadcrumb),
  });
  return { flush: (timeoutMs = 2_000) => Sentry.flush(timeoutMs), close: async () => void (await Sentry.close(2_000)) };
}

/** An error nobody handled (an API 500, a worker that failed): to the tracker when one is configured, else nowhere. */
export function reportUnexpectedError(error: unknown, extra?: Record<string, unknown>): void {
  Sentry.captureException(error, extra ? { extra } : undefined);
}

/** Before exiting on a fatal error: what was reported still reaches the tracker (at most timeoutMs). */
export async function flushErrorReports(timeoutMs = 2_000): Promise<void> {
  await Sentry.flush(timeoutMs);
}
