import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestApi, type TestApi } from '../support/test-api';
import { until } from '../support/until';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('TEMPORAL_TASK_QUEUE: the API starts workflows where the worker polls', () => {
  const taskQueue = `custodian-${randomUUID()}`;
  let api: TestApi;

  beforeAll(async () => {
    // The worker of startTestApi polls the configured queue, as apps/worker does.
    api = await startTestApi({ env: { TEMPORAL_TASK_QUEUE: taskQueue } });
  });
  afterAll(() => api.close());

  it('runs a ticket created through the API on the configured queue to its end', async () => {
    const tenant = await request(api.http)
      .post('/v1/tenants')
      .set(bearer(api.operatorKey))
      .send({ slug: `queue-${Date.now()}`, name: 'Queue LLP' })
      .expect(201);
    const adminKey = tenant.body.adminApiKey.key;
    const created = await request(api.http)
      .post('/v1/tickets')
      .set(bearer(adminKey))
      .send({ summary: 'Printer on fire', requester: 'jo@queue.example', priority: 'low' })
      .expect(201);

    const ticket = await until(
      async () => (await request(api.http).get(`/v1/tickets/${created.body.id}`).set(bearer(adminKey)).expect(200)).body,
      (body) => body.workflow.status === 'COMPLETED',
    );
    expect(ticket.workflow.status).toBe('COMPLETED');
    expect(ticket.status).toBe('triaged');
    const description = await api.temporal.workflow.getHandle(created.body.workflowId).describe();
    expect(description.taskQueue).toBe(taskQueue);
  });
});
