import request from 'supertest';
import type { Client as PgClient } from 'pg';
import { superuserConnection } from '../support/test-environment';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * The security desk's own tenant is created on first use under a fixed slug: a customer tenant taking that
 * slug first would make every vulnerability report fail, so the slug is refused to operators.
 */
describe('HTTP API: the security desk tenant slug is reserved', () => {
  let api: TestApi;
  let superuser: PgClient;

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false });
    superuser = await superuserConnection();
  });
  afterAll(async () => {
    await superuser?.end();
    await api?.close();
  });

  it('refuses a tenant with the desk slug (409, nothing written) and reports still reach the desk', async () => {
    const refused = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: 'custodian-security-desk', name: 'Impostor LLP' }).expect(409);
    expect(refused.body).toEqual({ statusCode: 409, code: 'conflict', message: 'the slug "custodian-security-desk" is reserved for the platform\'s security desk' });
    const holders = await superuser.query("SELECT kind FROM tenants WHERE slug = 'custodian-security-desk' OR name = 'Impostor LLP'");
    expect(holders.rows.every((row) => row.kind === 'platform')).toBe(true);

    const report = { summary: 'Open redirect on sign-in', details: 'The next parameter accepts any host', reporterEmail: 'finder@research.example' };
    const accepted = await request(api.http).post('/v1/security-reports').send(report).expect(201);
    expect(accepted.body.ref).toMatch(/^CT-\d{6}$/);
  });
});
