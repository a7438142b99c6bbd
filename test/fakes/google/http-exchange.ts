import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the simulator sees it: path, query and a parsed body (JSON or form). */
export interface HttpExchange {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | undefined;
}

export async function readExchange(request: IncomingMessage): Promise<HttpExchange> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const url = new URL(request.url ?? '/', 'http://simulator');
  return { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: request.headers, body: parseBody(raw, request.headers['content-type']) };
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    return { unparsed: raw };
  }
}

export function sendJson(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.statusCode = status;
  if (body === undefined) {
    response.end();
    return;
  }
  response.setHeader('content-type', 'application/json; charset=UTF-8');
  response.end(JSON.stringify(body));
}
