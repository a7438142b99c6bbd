import { createServer, type Server } from 'node:http';
import type { NativeConnection, Worker } from '@temporalio/worker';

const CHECK_DEADLINE_MS = 2_000;

export interface WorkerHealthServer {
  /** host:port it listens on (port 0 resolved). */
  address: string;
  close(): Promise<void>;
}

/**
 * The worker's own probes, on WORKER_HEALTH_ADDRESS: /health/live answers while the process does;
 * /health/ready only while the worker is RUNNING (not starting, draining or failed) and its Temporal
 * connection answers within 2 seconds. No detail beyond that leaves the process.
 */
export async function startWorkerHealthServer(options: { address: string; worker: Worker; connection: NativeConnection }): Promise<WorkerHealthServer> {
  const server = createServer((request, response) => {
    const answer = (status: number, body: Record<string, unknown>) => {
      response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return answer(405, { status: 'method_not_allowed' });
    const path = (request.url ?? '').split('?')[0];
    if (path === '/health/live') return answer(200, { status: 'ok' });
    if (path !== '/health/ready') return answer(404, { status: 'not_found' });
    void readiness(options.worker, options.connection).then((ready) => answer(ready.ready ? 200 : 503, ready.body));
  });
  const [host, port] = splitAddress(options.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = server.address();
  return {
    address: typeof bound === 'object' && bound ? `${host}:${bound.port}` : options.address,
    close: () => closeServer(server),
  };
}

async function readiness(worker: Worker, connection: NativeConnection): Promise<{ ready: boolean; body: Record<string, unknown> }> {
  const state = worker.getState();
  if (state !== 'RUNNING') return { ready: false, body: { status: 'unavailable', worker: state } };
  try {
    await connection.withDeadline(Date.now() + CHECK_DEADLINE_MS, () => connection.workflowService.getSystemInfo({}));
    return { ready: true, body: { status: 'ok', worker: state, temporal: 'up' } };
  } catch {
    return { ready: false, body: { status: 'unavailable', worker: state, temporal: 'down' } };
  }
}

function splitAddress(address: string): [string, number] {
  const separator = address.lastIndexOf(':');
  return [address.slice(0, separator).replace(/^\[(.*)\]$/, '$1'), Number(address.slice(separator + 1))];
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
