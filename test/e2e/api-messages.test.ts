import { Logger } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { appendAuditEvent } from '../../libs/audit';
import { TenantScopedDatabase } from '../../libs/db';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

// What a user who gets something slightly wrong is told: enough to fix it without reading the source.

describe('HTTP API: messages that say what to fix', () => {
  let api: TestApi;
  let tenantId: string;
  let adminKey: string;

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false });
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `msg-${Date.now()}`, name: 'Messages Co' }).expect(201);
    tenantId = created.body.tenant.id;
    adminKey = created.body.adminApiKey.key;
  });

  afterAll(() => api.close());

  it('names the missing Content-Type of a JSON body instead of its first field', async () => {
    const ticket = { type: 'password_reset', summary: 'Cannot sign in', requester: 'jane@demo.example' };
    // curl -d without -H 'Content-Type: application/json'
    const asForm = await request(api.http).post('/v1/tickets').set(bearer(adminKey)).type('form').send(ticket).expect(415);
    expect(asForm.body).toMatchObject({ statusCode: 415, code: 'unsupported_media_type' });
    expect(asForm.body.message).toContain('Content-Type: application/json');
    expect(asForm.body.message).toContain('"application/x-www-form-urlencoded", which curl -d sends');
    expect(asForm.body.message).not.toContain('summary');

    const untyped = await request(api.http).post('/v1/tickets').set(bearer(adminKey)).send(Buffer.from(JSON.stringify(ticket))).expect(415);
    expect(untyped.body.message).toBe("send the body as JSON with the header Content-Type: application/json (this request's was missing)");

    await request(api.http).post('/v1/tickets').set(bearer(adminKey)).set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(ticket)).expect(201);
    // No body, no type needed: a browser form's button with no fields.
    await request(api.http).post('/v1/secrets/not-a-token').type('form').send('').expect(404);
  });

  it('lists the allowed values of a path parameter', async () => {
    const refused = await request(api.http).delete('/v1/integrations/slack').set(bearer(adminKey)).expect(400);
    expect(refused.body).toMatchObject({ code: 'validation_failed', message: 'provider must be one of google, jira; got "slack"', details: [{ field: 'provider' }] });
  });

  it('logs no error when a client closes an audit export download early', async () => {
    // More events than one page of the export, so the download is still streaming when the client leaves.
    const db = new TenantScopedDatabase(api.prisma);
    await db.withTenant(
      tenantId,
      async (tx) => {
        for (let i = 0; i < 1500; i++) await appendAuditEvent(tx, tenantId, { actor: 'test', action: 'test.bulk', target: `item-${i}`, outcome: 'success', details: { padding: 'x'.repeat(200) } });
      },
      { timeoutMs: 120_000 },
    );
    const errors = jest.spyOn(Logger.prototype, 'error');
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const consoleErrors = jest.spyOn(console, 'error');
    const server = api.app.getHttpServer().listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const closed = new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/audit/export?format=jsonl', headers: bearer(adminKey) }, (response) => {
          expect(response.statusCode).toBe(200);
          response.once('data', () => {
            response.destroy();
            resolve();
          });
        });
        req.on('error', (error) => (error.message === 'aborted' ? undefined : reject(error)));
        req.end();
      });
      await closed;
      // The server notices the close on its next write and its next page; give it both.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const logged = [...errors.mock.calls, ...warnings.mock.calls, ...consoleErrors.mock.calls].map((call) => String(call[0]));
      expect(logged.filter((line) => /ERR_HTTP_HEADERS_SENT|ERR_STREAM_PREMATURE_CLOSE|premature close/i.test(line))).toEqual([]);
      expect(errors).not.toHaveBeenCalled();
      // The API is fine afterwards.
      await request(api.http).get('/v1/audit/verify').set(bearer(adminKey)).expect(200);
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
      consoleErrors.mockRestore();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 180_000);
});
