import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics, in a registry of its own (not prom-client's global one), so each API in a
 * process counts apart. Labels never carry ids, tenants or paths as sent: routes are Nest's templates.
 */
export class ApiMetrics {
  readonly registry = new Registry();

  /** custodian_http_request_duration_seconds{method, route, status_code}: from the request's arrival to the last byte. */
  readonly httpRequestDuration = new Histogram({
    name: 'custodian_http_request_duration_seconds',
    help: 'HTTP requests to the API by method, route template and status code, from arrival to the end of the response',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** custodian_workflows_started_total{workflow_type}: workflow executions the API started (a repeat of a running one is not counted). */
  readonly workflowsStarted = new Counter({
    name: 'custodian_workflows_started_total',
    help: 'Workflow executions the API started, by workflow type',
    labelNames: ['workflow_type'] as const,
    registers: [this.registry],
  });

  constructor() {
    // process_* and nodejs_* (CPU, memory, event loop lag, GC, handles) under their usual names.
    collectDefaultMetrics({ register: this.registry });
  }
}
