import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import nodeHttp, { type IncomingMessage } from 'node:http';
import nodeHttps from 'node:https';

/** Requests that would only drown the traces: probes and scrapes, polled every few seconds. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

export interface Tracing {
  /** For the worker's workflow span sink (makeWorkflowExporter), so workflow spans join the same pipeline. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends what is buffered; the tests wait on it instead of on the batch timer. */
  flush(): Promise<void>;
  /** Flushes, then unregisters everything this installed (provider, propagator, context manager, HTTP patch). */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry for one process: a tracer provider exporting over OTLP/HTTP, W3C trace context, and the
 * HTTP instrumentations: node:http (incoming API requests, jira.js' axios calls) and Node's fetch (the Google
 * connector's calls). Temporal's interceptors carry the context from the API's client through the workflow
 * to the activity. Called before the process makes any request.
 */
export function startTracing(options: { serviceName: string; otlpTracesUrl: string }): Tracing {
  const resource = new Resource({ [ATTR_SERVICE_NAME]: options.serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpTracesUrl }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const collector = new URL(options.otlpTracesUrl);
  const http = new HttpInstrumentation({
    ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? ''),
    // The exporter's own POSTs would otherwise make spans that make more POSTs.
    ignoreOutgoingRequestHook: (request) => (request.hostname ?? request.host?.split(':')[0]) === collector.hostname && request.path === collector.pathname,
  });
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [http, new UndiciInstrumentation()] });
  // node:http is usually loaded before this runs, and a require hook only patches what is required after it
  // (under jest, never): patch the core modules now. Patching again when the hook fires replaces, not stacks.
  // (A default import is the module object itself; a namespace import would be a copy.)
  const coreModules: Record<string, unknown> = { http: nodeHttp, https: nodeHttps };
  for (const definition of http.getModuleDefinitions()) {
    definition.moduleExports = coreModules[definition.name];
    definition.patch?.(definition.moduleExports, process.versions.node);
  }
  return {
    spanProcessor,
    resource,
    flush: () => provider.forceFlush(),
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
