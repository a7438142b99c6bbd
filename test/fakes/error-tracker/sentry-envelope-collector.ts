import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** An error event as a Sentry-protocol tracker (GlitchTip, Sentry) stores it: the event item's JSON. */
export type TrackedEvent = Record<string, unknown> & { exception?: { values?: { type?: string; value?: string }[] }; tags?: Record<string, string>; extra?: Record<string, unknown>; contexts?: Record<string, unknown> };

export interface SentryEnvelopeCollector {
  /** A DSN pointing at this tracker, project 42. */
  dsn: string;
  events: TrackedEvent[];
  /** Every envelope body as received (after gzip), to search for what must never arrive. */
  rawBodies: string[];
  stop(): Promise<void>;
}

/**
 * A self-hosted error tracker's ingestion endpoint, POST /api/<project>/envelope/, as GlitchTip serves it: it
 * takes Sentry envelopes (newline-separated JSON: an envelope header, then an item header and a payload per
 * item) and keeps the event items.
 */
export async function startSentryEnvelopeCollector(): Promise<SentryEnvelopeCollector> {
  const events: TrackedEvent[] = [];
  const rawBodies: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || !/^\/api\/42\/envelope\/(\?|$)/.test(request.url ?? '')) {
        response.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      rawBodies.push(body);
      const lines = body.split('\n');
      for (let index = 1; index + 1 < lines.length; index += 2) {
        const itemHeader = JSON.parse(lines[index]) as { type?: string };
        if (itemHeader.type === 'event') events.push(JSON.parse(lines[index + 1]) as TrackedEvent);
      }
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    dsn: `http://0123456789abcdef0123456789abcdef@127.0.0.1:${(server.address() as AddressInfo).port}/42`,
    events,
    rawBodies,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
