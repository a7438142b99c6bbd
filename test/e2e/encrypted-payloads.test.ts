import { temporal } from '@temporalio/proto';
import request from 'supertest';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('Temporal payloads are encrypted; operators decode them through the codec endpoint', () => {
  let api: TestApi;
  let adminKey: string;
  let workflowId: string;
  let ticketId: string;

  beforeAll(async () => {
    api = await startTestApi();
    const tenant = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `codec-${Date.now()}`, name: 'Codec LLP' }).expect(201);
    adminKey = tenant.body.adminApiKey.key;
    const ticket = await request(api.http).post('/v1/tickets').set(bearer(adminKey)).send({ summary: 'Secret summary', requester: 'jane@codec.example' }).expect(201);
    workflowId = ticket.body.workflowId;
    ticketId = ticket.body.id;
    await api.temporal.workflow.getHandle(workflowId).result();
  });

  afterAll(() => api.close());

  async function rawHistory(): Promise<temporal.api.history.v1.IHistory> {
    // Straight from the server's gRPC API, bypassing the client's codec: what the server stores.
    const response = await api.temporal.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
    });
    return response.history!;
  }

  it('stores no plaintext of the input, the activity arguments or the result in the server', async () => {
    const history = await rawHistory();
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(bytes.length).toBeGreaterThan(0);
    for (const plaintext of [ticketId, 'api-key:first-admin', 'first-admin', 'triaged', 'ticketStatus']) {
      expect(bytes.includes(Buffer.from(plaintext))).toBe(false);
    }
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    const encoding = Buffer.from(started.input!.payloads![0]!.metadata!.encoding!).toString();
    expect(encoding).toBe('binary/encrypted');
    // Through the product's own client the same history reads back in clear.
    const decoded = await api.temporal.workflow.getHandle(workflowId).result();
    expect(decoded).toMatchObject({ ticketStatus: 'triaged' });
  });

  it('decodes for an operator, and for no one else', async () => {
    const history = await rawHistory();
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const wire = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(payload.metadata!).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
          data: Buffer.from(payload.data!).toString('base64'),
        },
      ],
    };
    const decoded = await request(api.http).post('/codec/decode').set(bearer(api.operatorKey)).set('X-Namespace', 'default').send(wire).expect(200);
    const input = JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString());
    expect(input).toMatchObject({ ticketId, requestedBy: 'first-admin' });

    await request(api.http).post('/codec/decode').send(wire).expect(401);
    await request(api.http).post('/codec/decode').set(bearer(adminKey)).send(wire).expect(403);

    const reencoded = await request(api.http).post('/codec/encode').set(bearer(api.operatorKey)).send(decoded.body).expect(200);
    const again = await request(api.http).post('/codec/decode').set(bearer(api.operatorKey)).send(reencoded.body).expect(200);
    expect(again.body).toEqual(decoded.body);
  });

  it('accepts the operator session cookie the Temporal UI sends, and refuses a tampered payload with 400', async () => {
    const session = await request(api.http).post('/codec/session').send({ operatorKey: api.operatorKey }).expect(204);
    const cookie = session.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/codec/);
    await request(api.http).post('/codec/session').send({ operatorKey: adminKey }).expect(401);

    const encoded = await request(api.http)
      .post('/codec/encode')
      .set('Cookie', cookie.split(';')[0]!)
      .send({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') }] })
      .expect(200);
    const data = Buffer.from(encoded.body.payloads[0].data, 'base64');
    data[data.length - 1]! ^= 1;
    encoded.body.payloads[0].data = data.toString('base64');
    const tampered = await request(api.http).post('/codec/decode').set(bearer(api.operatorKey)).send(encoded.body).expect(400);
    expect(tampered.body.code).toBe('bad_request');
  });
});
