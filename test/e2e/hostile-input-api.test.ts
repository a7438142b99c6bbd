import request from 'supertest';
import type { Client as PgClient } from 'pg';
import { superuserConnection } from '../support/test-environment';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const JSON_TYPE = { 'Content-Type': 'application/json' };
// Every table a request could write to, counted across all tenants (as a superuser, past row-level security).
const WRITABLE_TABLES = ['tenants', 'api_keys', 'tickets', 'audit_events', 'security_reports', 'tenant_contacts', 'one_time_secrets', 'data_keys'];

/**
 * Input a penetration test threw at every route: each gets a 4xx in the error shape, names what was wrong,
 * and leaves no row behind.
 */
describe('HTTP API: hostile input gets a 4xx and writes nothing', () => {
  let api: TestApi;
  let superuser: PgClient;
  let adminKey: string;

  beforeAll(async () => {
    // 64 KB, the product's default: the deep bodies below must be refused for their depth, not their size.
    api = await startTestApi({ withWorker: false, bodyLimitBytes: 64 * 1024 });
    superuser = await superuserConnection();
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `hostile-${Date.now()}`, name: 'Hostile Input LLP' }).expect(201);
    adminKey = created.body.adminApiKey.key;
  });

  afterAll(async () => {
    await superuser?.end();
    await api?.close();
  });

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of WRITABLE_TABLES) counts[table] = Number((await superuser.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return counts;
  }

  /** Sends each request, expects the given 4xx in the error shape for each, and that no table gained a row. */
  async function refusedWithoutWrites(status: number, requests: (() => request.Test)[]): Promise<request.Response[]> {
    const before = await rowCounts();
    const responses: request.Response[] = [];
    for (const send of requests) {
      const response = await send();
      expect({ status: response.status, body: response.body }).toEqual({
        status,
        body: expect.objectContaining({ statusCode: status, code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) }),
      });
      responses.push(response);
    }
    expect(await rowCounts()).toEqual(before);
    return responses;
  }

  const ticket = { summary: 'Cannot sign in', requester: 'jane@acme.example' };
  const report = { summary: 'Stored XSS', details: 'A summary with <script> runs', reporterEmail: 'finder@research.example' };
  const incident = { awarenessAt: new Date().toISOString(), description: 'Exports were reachable without signing in', suspectedDataCategories: ['contact details'], ownerEmail: 'owner@custodian.example' };

  it('refuses a NUL character in any text field, body, query or path, naming the field', async () => {
    const responses = await refusedWithoutWrites(400, [
      () => request(api.http).post('/v1/tickets').set(bearer(adminKey)).send({ ...ticket, summary: 'Cannot\u0000 sign in' }),
      () => request(api.http).post('/v1/tickets').set(bearer(adminKey)).send({ ...ticket, description: 'line one\u0000' }),
      () => request(api.http).post('/v1/security-reports').send({ ...report, details: '\u0000' }),
      () => request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `nul-${Date.now()}`, name: 'Nul\u0000 LLP' }),
      () => request(api.http).post('/v1/incidents').set(bearer(api.operatorKey)).send({ ...incident, suspectedDataCategories: ['contact details', 'tax\u0000 identifiers'] }),
      () => request(api.http).put('/v1/notification-contacts').set(bearer(adminKey)).send({ emails: ['dpo@acme.example\u0000'] }),
      () => request(api.http).get('/v1/audit/events?limit=5%00').set(bearer(adminKey)),
      () => request(api.http).get('/v1/security-reports/CT-0%0001').set(bearer(api.operatorKey)),
    ]);
    expect(responses.map((response) => response.body.details?.[0]?.field)).toEqual(['summary', 'description', 'details', 'name', 'suspectedDataCategories[1]', 'emails[0]', 'limit', 'path']);
    expect(responses[0].body).toMatchObject({ code: 'validation_failed', message: 'summary must not contain a NUL character (\\u0000)' });
  });

  it('refuses a lone surrogate in a text field or a field name, naming it, where the email check would have answered 500', async () => {
    const responses = await refusedWithoutWrites(400, [
      () => request(api.http).post('/v1/users/invitations').set(bearer(adminKey)).set(JSON_TYPE).send('{"email":"\\ud800","displayName":"Sam Rivera","role":"agent"}'),
      () => request(api.http).post('/v1/security-reports').set(JSON_TYPE).send(`${JSON.stringify(report).slice(0, -1)},"reporterEmail":"finder\\udfff@research.example"}`),
      () => request(api.http).post('/v1/tickets').set(bearer(adminKey)).set(JSON_TYPE).send(`${JSON.stringify(ticket).slice(0, -1)},"description":"a\\ud83d b"}`),
      () => request(api.http).put('/v1/notification-contacts').set(bearer(adminKey)).set(JSON_TYPE).send('{"emails":["dpo@acme.example"],"\\udc00":1}'),
    ]);
    expect(responses.map((response) => response.body.details?.[0]?.field)).toEqual(['email', 'reporterEmail', 'description', '\udc00']);
    expect(responses[0].body).toMatchObject({ code: 'validation_failed', message: 'email must be well-formed Unicode text (it holds a lone surrogate, such as \\ud800)' });
    // A surrogate pair (an emoji) is text like any other.
    await request(api.http).post('/v1/tickets').set(bearer(adminKey)).send({ ...ticket, description: 'printer on fire \ud83d\udd25' }).expect(201);
  });

  it('refuses null for a new ticket\'s type or priority (left out, they take their defaults) instead of answering 500', async () => {
    const responses = await refusedWithoutWrites(400, [
      () => request(api.http).post('/v1/tickets').set(bearer(adminKey)).send({ ...ticket, type: null }),
      () => request(api.http).post('/v1/tickets').set(bearer(adminKey)).send({ ...ticket, priority: null }),
    ]);
    expect(responses.map((response) => response.body.details?.[0]?.field)).toEqual(['type', 'priority']);
    const created = await request(api.http).post('/v1/tickets').set(bearer(adminKey)).send(ticket).expect(201);
    expect(created.body).toMatchObject({ type: 'general', priority: 'normal' });
  });

  it('refuses JSON nested about 40 KB deep, on public and authenticated routes alike', async () => {
    const brackets = '['.repeat(20_000) + ']'.repeat(20_000);
    const responses = await refusedWithoutWrites(400, [
      () => request(api.http).post('/v1/tickets').set(bearer(adminKey)).set(JSON_TYPE).send(brackets),
      () => request(api.http).post('/v1/tickets').set(bearer(adminKey)).set(JSON_TYPE).send(`{"summary":"x","requester":"jane@acme.example","description":${brackets}}`),
      () => request(api.http).post('/v1/security-reports').set(JSON_TYPE).send(brackets),
      () => request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).set(JSON_TYPE).send(`{"slug":"deep","name":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`),
      () => request(api.http).put('/v1/notification-contacts').set(bearer(adminKey)).set(JSON_TYPE).send(`{"emails":${brackets}}`),
    ]);
    for (const response of responses) expect(response.body).toMatchObject({ code: 'validation_failed', message: 'the body is nested more than 32 levels deep' });
  });

  it('answers a one-time secret token whose tenant part is not a UUID like any unknown token: 404', async () => {
    const secret = 'A'.repeat(43);
    const notUuids = ['-'.repeat(36), 'a'.repeat(36), '00000000-0000-0000-0000-0000000000-0'];
    await refusedWithoutWrites(
      404,
      notUuids.flatMap((tenantPart) => [
        () => request(api.http).get(`/v1/secrets/${tenantPart}.${secret}`).set('Accept', 'application/json'),
        () => request(api.http).post(`/v1/secrets/${tenantPart}.${secret}`).set('Accept', 'application/json'),
      ]),
    );
  });

  it('refuses __proto__ and constructor.prototype keys as unknown fields on every route', async () => {
    const withKey = (body: Record<string, unknown>, key: string) => `${JSON.stringify(body).slice(0, -1)},${key}}`;
    const proto = '"__proto__":{"role":"admin"}';
    const constructor = '"constructor":{"prototype":{"role":"admin"}}';
    const responses = await refusedWithoutWrites(400, [
      () => request(api.http).post('/v1/tickets').set(bearer(adminKey)).set(JSON_TYPE).send(withKey(ticket, proto)),
      () => request(api.http).post('/v1/tickets').set(bearer(adminKey)).set(JSON_TYPE).send(withKey(ticket, constructor)),
      () => request(api.http).post('/v1/api-keys').set(bearer(adminKey)).set(JSON_TYPE).send(withKey({ name: 'bot', role: 'agent' }, proto)),
      () => request(api.http).post('/v1/api-keys').set(bearer(adminKey)).set(JSON_TYPE).send(withKey({ name: 'bot', role: 'agent' }, constructor)),
      () => request(api.http).post('/v1/security-reports').set(JSON_TYPE).send(withKey(report, proto)),
      () => request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).set(JSON_TYPE).send(withKey({ slug: `proto-${Date.now()}`, name: 'Proto LLP' }, constructor)),
      () => request(api.http).put('/v1/notification-contacts').set(bearer(adminKey)).set(JSON_TYPE).send(withKey({ emails: ['dpo@acme.example'] }, proto)),
    ]);
    for (const response of responses) expect(response.body).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^property (__proto__|constructor) should not exist$/) });
    expect(responses[1].body.details).toEqual([{ field: 'constructor', problems: ['property constructor should not exist'] }]);
    // The same request without the key still works: the refusal is about the key, not the route.
    await request(api.http).post('/v1/tickets').set(bearer(adminKey)).send(ticket).expect(201);
  });
});
