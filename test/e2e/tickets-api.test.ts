import { Worker } from '@temporalio/worker';
import request from 'supertest';
import { custodianDataConverter } from '../../libs/temporal/data-converter';
import { testEnv, testPayloadCodec } from '../support/test-environment';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ERROR_SHAPE = {
  statusCode: expect.any(Number),
  code: expect.stringMatching(/^[a-z_]+$/),
  message: expect.any(String),
};

describe('HTTP API: tenants, keys and tickets end to end', () => {
  let api: TestApi;
  let tenantId: string;
  let adminKey: string;
  let agentKey: string;
  let auditorKey: string;
  let otherTenantKey: string;

  const newTicket = { summary: 'Cannot sign in to mail', requester: 'jane@acme.example', priority: 'high' };

  beforeAll(async () => {
    api = await startTestApi();
    const created = await request(api.http)
      .post('/v1/tenants')
      .set(bearer(api.operatorKey))
      .send({ slug: `acme-${Date.now()}`, name: 'Acme CPA' })
      .expect(201);
    tenantId = created.body.tenant.id;
    adminKey = created.body.adminApiKey.key;
    expect(adminKey).toMatch(/^ck_[0-9a-f]{32}_/);
    const issue = async (role: string) =>
      (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: `${role}-key`, role }).expect(201)).body.key;
    agentKey = await issue('agent');
    auditorKey = await issue('auditor');
    const other = await request(api.http)
      .post('/v1/tenants')
      .set(bearer(api.operatorKey))
      .send({ slug: `other-${Date.now()}`, name: 'Other LLP' })
      .expect(201);
    otherTenantKey = other.body.adminApiKey.key;
  });

  afterAll(() => api.close());

  it('creates a ticket (201) whose intake workflow triages it, readable with its live state', async () => {
    const created = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send(newTicket).expect(201);
    expect(created.body).toMatchObject({
      ref: expect.stringMatching(/^CT-\d{6}$/),
      status: 'new',
      priority: 'high',
      type: 'general',
      workflowId: `ticket/${tenantId}/${created.body.ref}`,
    });
    const deadline = Date.now() + 20_000;
    let body: { status: string; workflow: { status: string; state: { step: string } | null } };
    do {
      body = (await request(api.http).get(`/v1/tickets/${created.body.id}`).set(bearer(auditorKey)).expect(200)).body;
      if (body.workflow.status === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } while (Date.now() < deadline);
    expect(body.status).toBe('triaged');
    expect(body.workflow.status).toBe('COMPLETED');
    expect(body.workflow.state).toMatchObject({ step: 'triaged', ticketStatus: 'triaged' });
    const byRef = await request(api.http).get(`/v1/tickets/${created.body.ref}`).set(bearer(agentKey)).expect(200);
    expect(byRef.body.id).toBe(created.body.id);

    // The finished history replays against today's workflow code: no non-determinism slipped in.
    const history = await api.temporal.workflow.getHandle(created.body.workflowId).fetchHistory();
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: testEnv().workflowBundle }, dataConverter: custodianDataConverter(testPayloadCodec()) },
      history,
      created.body.workflowId,
    );

    const audit = await api.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return tx.auditEvent.findMany({ where: { target: created.body.ref }, orderBy: { seq: 'asc' } });
    });
    expect(audit.map((event) => [event.action, event.actor])).toEqual([
      ['ticket.created', 'api-key:agent-key'],
      ['ticket.triaged', 'workflow:ticket-intake'],
    ]);
  });

  it('answers a triaged ticket from PostgreSQL alone, while Temporal is unreachable; live=true asks the workflow', async () => {
    const created = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send(newTicket).expect(201);
    const live = await pollTicket(created.body.id, '?live=true', (body) => body.workflow.status === 'COMPLETED');
    const recorded = await pollTicket(created.body.id, '', (body) => body.workflow.status === 'COMPLETED');
    // What the row says is what the workflow says.
    expect(recorded.workflow).toMatchObject({ id: created.body.workflowId, status: 'COMPLETED', state: { step: 'triaged', ticketStatus: 'triaged' } });
    expect(recorded.workflow.state!.history.map((entry) => entry.step)).toEqual(live.workflow.state!.history.map((entry) => entry.step));

    // An API whose Temporal is nowhere still answers the ticket with its workflow's state, from the row.
    const cutOff = await startTestApi({ withWorker: false, temporalAddress: '127.0.0.1:1' });
    try {
      const fromRow = await request(cutOff.http).get(`/v1/tickets/${created.body.ref}`).set(bearer(auditorKey)).expect(200);
      expect(fromRow.body).toMatchObject({ id: created.body.id, status: 'triaged', workflow: { status: 'COMPLETED', state: { step: 'triaged', ticketStatus: 'triaged' } } });
      const asked = await request(cutOff.http).get(`/v1/tickets/${created.body.ref}?live=true`).set(bearer(auditorKey)).expect(200);
      expect(asked.body.workflow).toEqual({ id: created.body.workflowId, status: 'UNKNOWN', state: null });
      const bad = await request(cutOff.http).get(`/v1/tickets/${created.body.ref}?live=yes`).set(bearer(auditorKey)).expect(400);
      expect(bad.body).toMatchObject({ ...ERROR_SHAPE, code: 'validation_failed' });
    } finally {
      await cutOff.close();
    }
  });

  it('finds the workflow in Temporal by its TenantId and TicketRef search attributes', async () => {
    const created = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send(newTicket).expect(201);
    const query = `TenantId = '${tenantId}' AND TicketRef = '${created.body.ref}'`;
    const deadline = Date.now() + 15_000;
    let found: string[] = [];
    while (found.length === 0 && Date.now() < deadline) {
      found = [];
      for await (const execution of api.temporal.workflow.list({ query })) found.push(execution.workflowId);
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(found).toEqual([created.body.workflowId]);
  });

  it('numbers tickets per tenant consecutively', async () => {
    const first = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send(newTicket).expect(201);
    const second = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send(newTicket).expect(201);
    const number = (ref: string) => Number(ref.slice(3));
    expect(number(second.body.ref)).toBe(number(first.body.ref) + 1);
  });

  it('returns one ticket for two POSTs with the same Idempotency-Key, and refuses the key for another body', async () => {
    const key = `idem-${Date.now()}`;
    const first = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).set('Idempotency-Key', key).send(newTicket).expect(201);
    const again = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).set('Idempotency-Key', key).send(newTicket).expect(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const count = await api.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return tx.ticket.count({ where: { idempotencyKey: key } });
    });
    expect(count).toBe(1);
    const changed = await request(api.http)
      .post('/v1/tickets')
      .set(bearer(agentKey))
      .set('Idempotency-Key', key)
      .send({ ...newTicket, summary: 'something else' })
      .expect(422);
    expect(changed.body).toMatchObject({ ...ERROR_SHAPE, code: 'idempotency_key_reused' });
  });

  it('creates exactly one ticket when the same Idempotency-Key races', async () => {
    const key = `race-${Date.now()}`;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(api.http).post('/v1/tickets').set(bearer(agentKey)).set('Idempotency-Key', key).send(newTicket),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
  });

  it('answers 401 for a missing, malformed or unknown key', async () => {
    const none = await request(api.http).get('/v1/tickets/CT-000001').expect(401);
    expect(none.body).toMatchObject({ ...ERROR_SHAPE, code: 'unauthorized' });
    await request(api.http).get('/v1/tickets/CT-000001').set(bearer('not-a-key')).expect(401);
    const forged = adminKey.slice(0, -4) + 'AAAA';
    await request(api.http).get('/v1/tickets/CT-000001').set(bearer(forged)).expect(401);
  });

  it('answers 401 for a revoked key', async () => {
    const issued = await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: 'temp', role: 'agent' }).expect(201);
    await request(api.http).get('/v1/tickets/CT-000001').set(bearer(issued.body.key)).expect(200);
    await request(api.http).delete(`/v1/api-keys/${issued.body.id}`).set(bearer(adminKey)).expect(200);
    await request(api.http).get('/v1/tickets/CT-000001').set(bearer(issued.body.key)).expect(401);
  });

  it('answers 403 for the wrong role', async () => {
    const auditorWrite = await request(api.http).post('/v1/tickets').set(bearer(auditorKey)).send(newTicket).expect(403);
    expect(auditorWrite.body).toMatchObject({ ...ERROR_SHAPE, code: 'forbidden' });
    await request(api.http).post('/v1/api-keys').set(bearer(agentKey)).send({ name: 'x', role: 'admin' }).expect(403);
    await request(api.http).post('/v1/tenants').set(bearer(adminKey)).send({ slug: 'nope-nope', name: 'x' }).expect(403);
    await request(api.http).post('/v1/tickets').set(bearer(api.operatorKey)).send(newTicket).expect(403);
  });

  it("answers 404 (not 403) for another tenant's ticket, by id and by ref", async () => {
    const mine = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send(newTicket).expect(201);
    const byId = await request(api.http).get(`/v1/tickets/${mine.body.id}`).set(bearer(otherTenantKey)).expect(404);
    expect(byId.body).toMatchObject({ ...ERROR_SHAPE, code: 'not_found' });
    const other = await request(api.http).get(`/v1/tickets/${mine.body.ref}`).set(bearer(otherTenantKey));
    expect(other.status === 404 || other.body.id !== mine.body.id).toBe(true);
  });

  it('answers bad input with 4xx in the error shape, never a 500, and writes nothing', async () => {
    const before = await ticketCount();
    const malformed = await request(api.http)
      .post('/v1/tickets')
      .set(bearer(agentKey))
      .set('Content-Type', 'application/json')
      .send('{"summary": "broken",')
      .expect(400);
    expect(malformed.body).toMatchObject({ ...ERROR_SHAPE, code: 'malformed_json' });

    const unknown = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send({ ...newTicket, isAdmin: true }).expect(400);
    expect(unknown.body).toMatchObject({ ...ERROR_SHAPE, code: 'validation_failed' });
    expect(unknown.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'isAdmin' })]));

    const invalid = await request(api.http)
      .post('/v1/tickets')
      .set(bearer(agentKey))
      .send({ summary: '', requester: 'not-an-email', priority: 'whenever' })
      .expect(400);
    expect(invalid.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['priority', 'requester', 'summary']);

    const oversize = await request(api.http)
      .post('/v1/tickets')
      .set(bearer(agentKey))
      .send({ ...newTicket, description: 'x'.repeat(20 * 1024) })
      .expect(413);
    expect(oversize.body).toMatchObject({ ...ERROR_SHAPE, code: 'payload_too_large' });

    for (const body of ['[]', '"text"', 'null', '{"summary": {"$gt": ""}, "requester": ["a"]}']) {
      const response = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).set('Content-Type', 'application/json').send(body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body).toMatchObject(ERROR_SHAPE);
    }
    await request(api.http).get('/v1/tickets/not-an-id').set(bearer(agentKey)).expect(400);
    await request(api.http).post('/v1/tickets').set(bearer(agentKey)).set('Idempotency-Key', 'bad key with spaces').send(newTicket).expect(400);
    await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: 'Bad Slug!', name: 'x' }).expect(400);
    const missing = await request(api.http).get('/v1/nowhere').set(bearer(agentKey)).expect(404);
    expect(missing.body).toMatchObject(ERROR_SHAPE);
    expect(await ticketCount()).toBe(before);
  });

  it('refuses a duplicate tenant slug with 409', async () => {
    const slug = `dup-${Date.now()}`;
    await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug, name: 'One' }).expect(201);
    const again = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug, name: 'Two' }).expect(409);
    expect(again.body).toMatchObject({ ...ERROR_SHAPE, code: 'conflict' });
  });

  it('lists API keys without any key material', async () => {
    const listed = await request(api.http).get('/v1/api-keys').set(bearer(adminKey)).expect(200);
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(adminKey);
    expect(text).not.toContain(agentKey);
    expect(listed.body.every((key: Record<string, unknown>) => !('key' in key) && !('keyHash' in key))).toBe(true);
  });

  it('reports health of PostgreSQL and Temporal, and serves the OpenAPI document', async () => {
    const health = await request(api.http).get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, temporal: { status: 'up' } } });
    const openapi = await request(api.http).get('/docs/openapi.json').expect(200);
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/v1/tickets', '/v1/tickets/{id}', '/v1/tenants', '/health']));
  });

  type TicketBody = { status: string; workflow: { status: string; state: { step: string; history: { step: string }[] } | null } };

  async function pollTicket(id: string, query: string, done: (body: TicketBody) => boolean): Promise<TicketBody> {
    const deadline = Date.now() + 20_000;
    let body: TicketBody;
    do {
      body = (await request(api.http).get(`/v1/tickets/${id}${query}`).set(bearer(auditorKey)).expect(200)).body;
      if (done(body)) return body;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } while (Date.now() < deadline);
    return body;
  }

  async function ticketCount(): Promise<number> {
    return api.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return tx.ticket.count();
    });
  }
});
