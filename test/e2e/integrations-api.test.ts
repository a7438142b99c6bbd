import request from 'supertest';
import { Secret } from '../../libs/crypto';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ACCESS = 'ya29.a0-SECRET-ACCESS-TOKEN';
const REFRESH = '1//0g-SECRET-REFRESH-TOKEN';

describe('HTTP API: integrations never reveal token material', () => {
  let api: TestApi;
  let tenantId: string;
  let adminKey: string;
  let auditorKey: string;

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false });
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `integ-${Date.now()}`, name: 'Integrations LLP' }).expect(201);
    tenantId = created.body.tenant.id;
    adminKey = created.body.adminApiKey.key;
    auditorKey = (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: 'aud', role: 'auditor' }).expect(201)).body.key;
    await api.credentials.save(
      tenantId,
      'google',
      'integrations.example',
      { accessToken: new Secret(ACCESS), refreshToken: new Secret(REFRESH), expiresAt: new Date(Date.now() + 3600_000), scopes: ['https://www.googleapis.com/auth/admin.directory.user'] },
      'test',
    );
  });

  afterAll(() => api.close());

  it('lists connected providers with account, scopes and status, and no token anywhere in any response', async () => {
    const listed = await request(api.http).get('/v1/integrations').set(bearer(auditorKey)).expect(200);
    expect(listed.body).toEqual([
      expect.objectContaining({ provider: 'google', status: 'active', externalAccount: 'integrations.example', scopes: ['https://www.googleapis.com/auth/admin.directory.user'] }),
    ]);
    const responses = [
      listed,
      await request(api.http).get('/v1/audit/export').set(bearer(auditorKey)).expect(200),
      await request(api.http).get('/v1/audit/export?format=csv').set(bearer(auditorKey)).expect(200),
    ];
    for (const response of responses) {
      expect(response.text).not.toContain(ACCESS);
      expect(response.text).not.toContain(REFRESH);
      expect(response.text).not.toContain('SECRET');
    }
  });

  it('lets only an admin disconnect, then the credential and its key are gone (404 on a second try)', async () => {
    await request(api.http).delete('/v1/integrations/google').set(bearer(auditorKey)).expect(403);
    const bad = await request(api.http).delete('/v1/integrations/gmail').set(bearer(adminKey)).expect(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed', message: 'provider must be one of google, jira; got "gmail"' });
    // No Google OAuth client is configured here, so there is nothing to revoke with; the answer says so.
    const removed = await request(api.http).delete('/v1/integrations/google').set(bearer(adminKey)).expect(200);
    expect(removed.body).toEqual({ provider: 'google', revocation: 'not-attempted' });
    await request(api.http).delete('/v1/integrations/google').set(bearer(adminKey)).expect(404);
    expect((await request(api.http).get('/v1/integrations').set(bearer(adminKey)).expect(200)).body).toEqual([]);
  });
});
