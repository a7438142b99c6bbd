import { Logger } from '@nestjs/common';
import request from 'supertest';
import { TICKET_INTAKE_WORKFLOW } from '../../libs/contracts';
import { startSwitchableTcpRelay, type SwitchableTcpRelay } from '../support/switchable-tcp-relay';
import { startTestApi, type TestApi } from '../support/test-api';
import { testEnv } from '../support/test-environment';
import { until } from '../support/until';

const METRICS_TOKEN = 'metrics-token-for-prometheus-0123456789';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * What an operator's Prometheus and orchestrator see: GET /metrics behind its own token, with latency by route
 * template and the workflows started; liveness that never depends on anything; readiness that follows
 * PostgreSQL going away and coming back.
 */
describe('HTTP API: metrics and health probes', () => {
  const apis: TestApi[] = [];
  let relay: SwitchableTcpRelay | undefined;
  let warnings: jest.SpyInstance;

  beforeAll(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    for (const api of apis) await api.close();
    await relay?.close();
    warnings.mockRestore();
  });

  async function api(options: Parameters<typeof startTestApi>[0]): Promise<TestApi> {
    const started = await startTestApi(options);
    apis.push(started);
    return started;
  }

  it('serves Prometheus metrics only to METRICS_TOKEN, labelled by route template, with the workflows it started and no tenant data', async () => {
    const { http, operatorKey } = await api({ withWorker: false, env: { METRICS_TOKEN } });
    const created = await request(http).post('/v1/tenants').set(bearer(operatorKey)).send({ slug: `metrics-${Date.now()}`, name: 'Metrics LLP' }).expect(201);
    const key = created.body.adminApiKey.key as string;
    const ticket = await request(http).post('/v1/tickets').set(bearer(key)).send({ type: 'general', summary: 'printer', requester: 'pat@metrics.example' }).expect(201);
    await request(http).get(`/v1/tickets/${ticket.body.ref}`).set(bearer(key)).expect(200);
    await request(http).get('/v1/tickets/CT-999999').set(bearer(key)).expect(404);

    await request(http).get('/metrics').expect(401);
    await request(http).get('/metrics').set(bearer(key)).expect(401);
    await request(http).get('/metrics').set(bearer(`${METRICS_TOKEN}x`)).expect(401);
    const scraped = await request(http).get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);
    expect(scraped.headers['content-type']).toContain('text/plain');
    const text = scraped.text;
    expect(text).toMatch(/custodian_http_request_duration_seconds_count\{method="GET",route="\/v1\/tickets\/:id",status_code="200"\} 1\n/);
    expect(text).toMatch(/custodian_http_request_duration_seconds_count\{method="GET",route="\/v1\/tickets\/:id",status_code="404"\} 1\n/);
    expect(text).toMatch(/custodian_http_request_duration_seconds_count\{method="POST",route="\/v1\/tickets",status_code="201"\} 1\n/);
    expect(text).toMatch(/custodian_http_request_duration_seconds_count\{method="GET",route="\/metrics",status_code="401"\} 3\n/);
    expect(text).toContain(`custodian_workflows_started_total{workflow_type="${TICKET_INTAKE_WORKFLOW}"} 1\n`);
    expect(text).toMatch(/\nprocess_cpu_user_seconds_total \d/);
    expect(text).toMatch(/\nnodejs_eventloop_lag_seconds \d/);
    // No ids, refs, tenants or keys in any label.
    for (const secretOrId of [created.body.tenant.id, created.body.tenant.id.replace(/-/g, ''), ticket.body.ref, 'CT-999999', key]) expect(text).not.toContain(secretOrId);
  });

  it('has no /metrics at all while METRICS_TOKEN is unset', async () => {
    const { http } = await api({ withWorker: false, env: { METRICS_TOKEN: '' } });
    const response = await request(http).get('/metrics').set(bearer(METRICS_TOKEN)).expect(404);
    expect(response.body).toMatchObject({ statusCode: 404, code: 'not_found' });
  });

  it('stays live but goes unready while PostgreSQL is unreachable, and ready again when it is back', async () => {
    const database = new URL(testEnv().databaseUrl);
    relay = await startSwitchableTcpRelay({ host: database.hostname, port: Number(database.port) });
    const throughRelay = new URL(database);
    throughRelay.port = String(relay.port);
    const { http } = await api({ withWorker: false, databaseUrl: throughRelay.toString() });

    await request(http).get('/health/live').expect(200, { status: 'ok' });
    expect((await request(http).get('/health/ready').expect(200)).body).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, temporal: { status: 'up' } } });
    await request(http).get('/health').expect(200);

    await relay.cut();
    const down = await request(http).get('/health/ready').expect(503);
    expect(down.body).toEqual({ statusCode: 503, code: 'service_unavailable', message: 'unreachable: database', details: [{ database: 'down', temporal: 'up' }] });
    await request(http).get('/health').expect(503);
    await request(http).get('/health/live').expect(200, { status: 'ok' });

    await relay.restore();
    // The pool drops its dead connections and opens new ones on the next check.
    expect(await until(async () => (await request(http).get('/health/ready')).status, (status) => status === 200)).toBe(200);
    await request(http).get('/health').expect(200);
  });
});
