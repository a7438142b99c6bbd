import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Client as PgClient } from 'pg';
import request from 'supertest';
import { superuserConnection } from '../support/test-environment';
import { startTestApi, type TestApi } from '../support/test-api';

/** What the random-requests test found, one example each: malformed HTTP gets a 4xx in the error shape and writes nothing. */
describe('HTTP API: malformed HTTP gets a 4xx in the error shape', () => {
  let api: TestApi;
  let superuser: PgClient;
  let port: number;
  let agentKey: string;

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false });
    superuser = await superuserConnection();
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    port = (api.http.address() as AddressInfo).port;
    const created = await request(api.http).post('/v1/tenants').set('Authorization', `Bearer ${api.operatorKey}`).send({ slug: `malformed-${Date.now()}`, name: 'Malformed LLP' }).expect(201);
    agentKey = created.body.adminApiKey.key;
  });

  afterAll(async () => {
    await superuser?.end();
    await api?.close();
  });

  /** A raw request over a fresh connection, so nothing a client library adds or checks is in the way. */
  function send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; contentType: string; body: string }> {
    return new Promise((resolve, reject) => {
      const outgoing = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  const ticketCount = async () => Number((await superuser.query('SELECT count(*) AS n FROM tickets')).rows[0].n);

  it('refuses a body that does not decode by its Content-Encoding with 400, and creates nothing', async () => {
    const before = await ticketCount();
    const ticket = JSON.stringify({ summary: 'Cannot sign in', requester: 'jane@acme.example' });
    for (const [encoding, body] of [
      ['gzip', Buffer.from(ticket)],
      ['deflate', Buffer.from(ticket)],
      ['br', Buffer.from(ticket)],
      ['gzip', Buffer.alloc(0)],
      ['gzip', gzipSync(ticket).subarray(0, 12)],
    ] as const) {
      const answer = await send('POST', '/v1/tickets', { Authorization: `Bearer ${agentKey}`, 'Content-Type': 'application/json', 'Content-Encoding': encoding }, body);
      expect({ encoding, status: answer.status, body: JSON.parse(answer.body) }).toEqual({
        encoding,
        status: 400,
        body: { statusCode: 400, code: 'bad_request', message: 'request body could not be decoded by its Content-Encoding' },
      });
    }
    expect(await ticketCount()).toBe(before);
    // A body that is what its encoding says still works.
    const gzipped = await send('POST', '/v1/tickets', { Authorization: `Bearer ${agentKey}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, gzipSync(ticket));
    expect(gzipped.status).toBe(201);
  });

  it("answers the tenant page's files a Range they cannot satisfy with 416, and a failed If-Match with 412, in the error shape", async () => {
    const range = await send('GET', '/tenant/tenant-page.js', { Range: 'bytes=5-1' });
    expect({ status: range.status, contentType: range.contentType, body: JSON.parse(range.body) }).toEqual({ status: 416, contentType: 'application/json; charset=utf-8', body: { statusCode: 416, code: 'bad_request', message: 'Range Not Satisfiable' } });
    const precondition = await send('GET', '/tenant/', { 'If-Match': '"0"' });
    expect({ status: precondition.status, contentType: precondition.contentType, body: JSON.parse(precondition.body) }).toEqual({ status: 412, contentType: 'application/json; charset=utf-8', body: { statusCode: 412, code: 'conflict', message: 'Precondition Failed' } });
    expect((await send('GET', '/tenant/tenant-page.js', { Range: 'bytes=0-0' })).status).toBe(206);
  });

  it('refuses an upload of a multipart type other than form-data with 415 in the error shape, also when its body is empty', async () => {
    const before = Number((await superuser.query('SELECT count(*) AS n FROM ticket_attachments')).rows[0].n);
    // Content-Length: 0 still counts as a body to the upload parser, though not to the JSON check before it.
    for (const type of ['multipart/mixed; boundary=x', 'multipart/related; boundary=x']) {
      const answer = await send('POST', '/v1/tickets/CT-000001/attachments', { Authorization: `Bearer ${agentKey}`, 'Content-Type': type }, Buffer.alloc(0));
      expect({ type, status: answer.status, body: JSON.parse(answer.body) }).toEqual({
        type,
        status: 415,
        body: { statusCode: 415, code: 'unsupported_media_type', message: `upload the file as multipart/form-data in a part named "file" (this request's was "${type}")` },
      });
    }
    expect(Number((await superuser.query('SELECT count(*) AS n FROM ticket_attachments')).rows[0].n)).toBe(before);
  });

  it('answers headers over the 16 KB limit with 431 in the error shape (and no body to HEAD)', async () => {
    const padding = { 'X-Padding': 'p'.repeat(17_000) };
    const answer = await send('GET', '/v1/tenant', padding);
    expect({ status: answer.status, contentType: answer.contentType, body: JSON.parse(answer.body) }).toEqual({
      status: 431,
      contentType: 'application/json; charset=utf-8',
      body: { statusCode: 431, code: 'bad_request', message: 'the request headers are too large (16 KB at most in all)' },
    });
    expect(await send('HEAD', '/v1/tenant', padding)).toEqual({ status: 431, contentType: 'application/json; charset=utf-8', body: '' });
  });
});
