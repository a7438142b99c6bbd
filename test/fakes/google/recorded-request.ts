import type { HttpExchange } from './http-exchange';

/** What the simulator keeps of each request for assertions: never the Authorization header or a secret. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

/** Keys whose values are secrets; they are kept (so a test sees they were sent) but not their values. */
const SECRET_KEYS = new Set(['password', 'client_secret', 'code', 'refresh_token', 'token', 'access_token']);

export function recordOf(exchange: HttpExchange): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(exchange.headers)) {
    if (name !== 'authorization' && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: exchange.method,
    path: exchange.path,
    query: redact(Object.fromEntries(exchange.query)) as Record<string, string>,
    headers,
    body: exchange.body && redact(exchange.body),
  };
}

function redact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, SECRET_KEYS.has(key) ? '[redacted]' : value]));
}
