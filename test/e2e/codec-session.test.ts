import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import request from 'supertest';
import { makeTestCertificates } from '../support/test-certificates';
import { ownerConnection } from '../support/test-environment';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const UI_ORIGIN = 'http://localhost:8233';
const plainPayload = (text: string) => ({
  metadata: { encoding: Buffer.from('json/plain').toString('base64') },
  data: Buffer.from(JSON.stringify(text)).toString('base64'),
});

/** The operator's browser session for the Temporal UI's codec requests: what the cookie holds and what it opens. */
describe('codec session, CSRF and CORS', () => {
  let api: TestApi;
  let owner: PgClient;
  let encrypted: unknown;

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false, env: { CODEC_CORS_ORIGINS: UI_ORIGIN } });
    owner = await ownerConnection();
    const encoded = await request(api.http).post('/codec/encode').set(bearer(api.operatorKey)).send({ payloads: [plainPayload('jane@codec.example')] }).expect(200);
    encrypted = encoded.body;
  });

  afterAll(async () => {
    await owner?.end();
    await api?.close();
  });

  async function signIn(app = api): Promise<{ setCookie: string; cookie: string; token: string }> {
    const response = await request(app.http).post('/codec/session').send({ operatorKey: app.operatorKey }).expect(204);
    const setCookie = response.headers['set-cookie']![0]!;
    const cookie = setCookie.split(';')[0]!;
    return { setCookie, cookie, token: cookie.slice(cookie.indexOf('=') + 1) };
  }

  const decodeWith = (cookie: string) => request(api.http).post('/codec/decode').set('Cookie', cookie).send(encrypted as object);

  it('puts a random session id in the cookie, never the operator key, and stores only its hash', async () => {
    const { setCookie, token } = await signIn();
    expect(setCookie).not.toContain(api.operatorKey);
    expect(setCookie).not.toContain(encodeURIComponent(api.operatorKey));
    expect(setCookie).not.toMatch(/co_/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toMatch(/; Path=\/codec; HttpOnly; SameSite=Strict; Max-Age=28800$/);

    const { rows } = await owner.query('SELECT token_hash FROM operator_sessions WHERE token_hash = $1', [createHash('sha256').update(token).digest()]);
    expect(rows).toHaveLength(1);
    const raw = await owner.query("SELECT count(*)::int AS n FROM operator_sessions WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'", [token]);
    expect(raw.rows[0].n).toBe(0);
  });

  it('a session opens /codec/decode as the operator until signed out', async () => {
    const { cookie } = await signIn();
    const decoded = await decodeWith(cookie).expect(200);
    expect(Buffer.from(decoded.body.payloads[0].data, 'base64').toString()).toBe('"jane@codec.example"');

    const signedOut = await request(api.http).delete('/codec/session').set('Cookie', cookie).expect(204);
    expect(signedOut.headers['set-cookie']![0]).toMatch(/Max-Age=0/);
    const refused = await decodeWith(cookie).expect(401);
    expect(refused.body.code).toBe('unauthorized');
  });

  it('an expired session, a session of a revoked key and a made-up id are refused', async () => {
    const expired = await signIn();
    await owner.query("UPDATE operator_sessions SET created_at = now() - interval '9 hours', expires_at = now() - interval '1 hour' WHERE token_hash = $1", [
      createHash('sha256').update(expired.token).digest(),
    ]);
    await decodeWith(expired.cookie).expect(401);

    const other = await startTestApi({ withWorker: false });
    try {
      const revoked = await signIn(other);
      await request(other.http).post('/codec/decode').set('Cookie', revoked.cookie).send(encrypted as object).expect(200);
      await owner.query("UPDATE operator_keys SET revoked_at = now() WHERE id = (SELECT operator_key_id FROM operator_sessions WHERE token_hash = $1)", [
        createHash('sha256').update(revoked.token).digest(),
      ]);
      await request(other.http).post('/codec/decode').set('Cookie', revoked.cookie).send(encrypted as object).expect(401);
    } finally {
      await other.close();
    }

    await decodeWith(`custodian_codec_session=${'A'.repeat(43)}`).expect(401);
    // The old cookie carried the operator key itself; a key in the cookie opens nothing now.
    await decodeWith(`custodian_codec_session=${api.operatorKey}`).expect(401);
  });

  it('marks the cookie Secure when the API is served over HTTPS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-codec-tls-'));
    try {
      const certificates = makeTestCertificates(dir);
      const tls = createServer({ key: readFileSync(certificates.serverKey), cert: readFileSync(certificates.serverCert) }, api.app.getHttpAdapter().getInstance());
      const response = await request(tls).post('/codec/session').disableTLSCerts().send({ operatorKey: api.operatorKey }).expect(204);
      const setCookie = response.headers['set-cookie']![0]!;
      expect(setCookie).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/);
      expect(setCookie).not.toContain(api.operatorKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const plain = await signIn();
    expect(plain.setCookie).not.toMatch(/Secure/);
    const behindTls = await startTestApi({ withWorker: false, env: { API_PUBLIC_URL: 'https://custodian.example.com' } });
    try {
      const secure = await signIn(behindTls);
      expect(secure.setCookie).toMatch(/; Secure$/);
      const signedOut = await request(behindTls.http).delete('/codec/session').set('Cookie', secure.cookie).expect(204);
      expect(signedOut.headers['set-cookie']![0]).toMatch(/; Secure$/);
    } finally {
      await behindTls.close();
    }
  });

  it('refuses a text/plain (cross-site form or simple fetch) POST to the codec with 415, cookie or not', async () => {
    const { cookie } = await signIn();
    const body = JSON.stringify(encrypted);
    for (const path of ['/codec/decode', '/codec/encode']) {
      const refused = await request(api.http).post(path).set('Cookie', cookie).set('Origin', 'https://evil.example').set('Content-Type', 'text/plain').send(body).expect(415);
      expect(refused.body).toEqual({ statusCode: 415, code: 'unsupported_media_type', message: expect.stringContaining('application/json') });
      await request(api.http).post(path).set(bearer(api.operatorKey)).set('Content-Type', 'application/x-www-form-urlencoded').send('payloads=x').expect(415);
    }
    await request(api.http).post('/codec/decode').set('Cookie', cookie).set('Content-Type', 'application/json; charset=utf-8').send(body).expect(200);
  });

  it('answers CORS for the Temporal UI origin on /codec only', async () => {
    const preflight = (path: string, method: string) =>
      request(api.http).options(path).set('Origin', UI_ORIGIN).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', 'content-type');

    const codec = await preflight('/codec/decode', 'POST');
    expect(codec.status).toBe(204);
    expect(codec.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    expect(codec.headers['access-control-allow-credentials']).toBe('true');
    expect(codec.headers['access-control-allow-headers']).toMatch(/content-type/);
    const decoded = await request(api.http).post('/codec/decode').set('Origin', UI_ORIGIN).set(bearer(api.operatorKey)).send(encrypted as object).expect(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(UI_ORIGIN);

    for (const [path, method] of [['/v1/tickets', 'POST'], ['/v1/tickets', 'GET'], ['/v1/tenants', 'POST'], ['/v1/api-keys', 'GET']] as const) {
      const other = await preflight(path, method);
      expect(Object.keys(other.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
    const tickets = await request(api.http).get('/v1/tickets').set('Origin', UI_ORIGIN).set(bearer(api.operatorKey));
    expect(Object.keys(tickets.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);

    const stranger = await request(api.http).options('/codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });
});
