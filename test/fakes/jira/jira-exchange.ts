import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the Jira simulator sees it: path, query, the raw body (multipart uploads) and a parsed one. */
export interface JiraExchange {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  body: Record<string, unknown> | undefined;
  /** A JSON body that is not an object (an issue property's value may be any JSON). */
  json: unknown;
}

export async function readJiraExchange(request: IncomingMessage): Promise<JiraExchange> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const url = new URL(request.url ?? '/', 'http://simulator');
  const contentType = request.headers['content-type'] ?? '';
  let json: unknown;
  let body: Record<string, unknown> | undefined;
  if (raw.length > 0 && contentType.includes('application/x-www-form-urlencoded')) {
    body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    json = body;
  } else if (raw.length > 0 && !contentType.includes('multipart/')) {
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      json = undefined;
    }
    body = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  }
  return { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: request.headers, raw, body, json };
}

export function sendJson(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.statusCode = status;
  if (body === undefined) {
    response.end();
    return;
  }
  response.setHeader('content-type', 'application/json;charset=UTF-8');
  response.end(JSON.stringify(body));
}
