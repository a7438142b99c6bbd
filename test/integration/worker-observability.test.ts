import { installWorkerRuntime } from '../../apps/worker/src/worker-runtime';
import { startWorkerHealthServer, type WorkerHealthServer } from '../../apps/worker/src/worker-health-server';
import { freePort } from '../../libs/config/free-port';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { appPrisma, startTestWorker } from '../support/test-environment';
import { until } from '../support/until';

/**
 * What an operator's Prometheus and orchestrator see of a worker: the Temporal SDK's metrics on
 * WORKER_METRICS_ADDRESS, and probes on WORKER_HEALTH_ADDRESS that say ready only while it polls.
 */
describe('Worker: runtime metrics and health probes', () => {
  let prisma: PrismaClient;
  let health: WorkerHealthServer | undefined;

  beforeAll(() => {
    prisma = appPrisma();
  });
  afterAll(async () => {
    await health?.close();
    await prisma.$disconnect();
  });

  it('serves the SDK metrics for Prometheus, and is ready while running, live throughout, unready once stopped', async () => {
    const metricsPort = await freePort();
    installWorkerRuntime(`127.0.0.1:${metricsPort}`);
    const worker = await startTestWorker(new TenantScopedDatabase(prisma), {}, `observability-${Date.now()}`);
    health = await startWorkerHealthServer({ address: '127.0.0.1:0', worker: worker.worker, connection: worker.connection });
    const probe = async (path: string) => {
      const response = await fetch(`http://${health!.address}${path}`);
      return { status: response.status, body: await response.json() };
    };

    try {
      expect(await until(() => probe('/health/ready'), (ready) => ready.status === 200)).toEqual({ status: 200, body: { status: 'ok', worker: 'RUNNING', temporal: 'up' } });
      expect(await probe('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
      const metrics = await until(
        async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(),
        (text) => text.includes('temporal_num_pollers') && text.includes('temporal_worker_start_total'),
      );
      expect(metrics).toMatch(/^temporal_worker_task_slots_available\{.*task_queue="observability-\d+".*\} \d+/m);
      expect(metrics).toMatch(/^temporal_num_pollers\{.*poller_type="workflow_task".*\} \d+/m);
      expect(metrics).toMatch(/^temporal_worker_start_total\{.*task_queue="observability-\d+".*\} 1$/m);
      expect(metrics).toMatch(/^temporal_request_latency_seconds_bucket\{/m);
    } finally {
      await worker.stop();
    }
    expect(await probe('/health/ready')).toEqual({ status: 503, body: { status: 'unavailable', worker: 'STOPPED' } });
    expect((await probe('/health/live')).status).toBe(200);
  });
});
