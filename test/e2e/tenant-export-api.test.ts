import request from 'supertest';
import { Secret } from '../../libs/crypto';
import { TenantScopedDatabase } from '../../libs/db';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ACCESS = 'ya29.EXPORT-SECRET-ACCESS';
const REFRESH = '1//EXPORT-SECRET-REFRESH';

/** A tenant admin exports everything: built by the export workflow, downloaded once through a signed link. */
describe('HTTP API: tenant data export', () => {
  let api: TestApi;
  let tenantId: string;
  let adminKey: string;
  let agentKey: string;
  let otherAdminKey: string;

  beforeAll(async () => {
    api = await startTestApi();
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `export-${Date.now()}`, name: 'Export CPA' }).expect(201);
    tenantId = created.body.tenant.id;
    adminKey = created.body.adminApiKey.key;
    agentKey = (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: 'agent', role: 'agent' }).expect(201)).body.key;
    otherAdminKey = (await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `other-${Date.now()}`, name: 'Other' }).expect(201)).body.adminApiKey.key;
    await api.credentials.save(
      tenantId,
      'google',
      'export.example',
      { accessToken: new Secret(ACCESS), refreshToken: new Secret(REFRESH), expiresAt: new Date(Date.now() + 3600_000), scopes: ['https://www.googleapis.com/auth/admin.directory.user'] },
      'test',
    );
    const ticket = await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send({ summary: 'Laptop lost', requester: 'jane@export.example' }).expect(201);
    await new TenantScopedDatabase(api.prisma).withTenant(tenantId, (tx) =>
      tx.ticketComment.create({ data: { tenantId, ticketId: ticket.body.id, author: 'agent', body: 'Wiped remotely', dedupeKey: 'test/1' } }),
    );
  });

  afterAll(() => api.close());

  it('bundles tickets with comments, integrations without secrets, and the audit trail with its head; the link works once', async () => {
    await request(api.http).post('/v1/tenant/export').set(bearer(agentKey)).expect(403);
    const requested = await request(api.http).post('/v1/tenant/export').set(bearer(adminKey)).expect(202);
    expect(requested.body).toMatchObject({ status: 'building', downloadUrl: null });
    await request(api.http).get(`/v1/tenant/export/${requested.body.id}`).set(bearer(otherAdminKey)).expect(404);

    let view = requested.body;
    for (const deadline = Date.now() + 20_000; view.status === 'building' && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      view = (await request(api.http).get(`/v1/tenant/export/${requested.body.id}`).set(bearer(adminKey)).expect(200)).body;
    }
    expect(view).toMatchObject({ status: 'ready', downloadUrl: expect.stringContaining('/download?token='), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const tampered = view.downloadUrl.replace(/token=(.)/, (_: string, first: string) => `token=${first === 'A' ? 'B' : 'A'}`);
    await request(api.http).get(tampered).expect(403);
    const downloaded = await request(api.http).get(view.downloadUrl).buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(downloaded.headers['cache-control']).toBe('no-store');
    const text = (downloaded.body as Buffer).toString('utf8');
    expect(text).not.toContain(ACCESS);
    expect(text).not.toContain(REFRESH);
    const bundle = JSON.parse(text);
    expect(bundle.tenant).toMatchObject({ id: tenantId, name: 'Export CPA' });
    expect(bundle.tickets).toEqual([expect.objectContaining({ summary: 'Laptop lost', comments: [expect.objectContaining({ body: 'Wiped remotely' })] })]);
    expect(bundle.integrations).toEqual([expect.objectContaining({ provider: 'google', externalAccount: 'export.example' })]);
    expect(Object.keys(bundle.integrations[0])).not.toContain('encryptedTokenSet');
    expect(bundle.audit.chainHead).toMatchObject({ type: 'chain_head', tenantId, lastSeq: bundle.audit.events.at(-1).seq });
    expect(bundle.audit.events.map((event: { action: string }) => event.action)).toEqual(expect.arrayContaining(['tenant.created', 'ticket.created', 'tenant.export_requested']));

    const again = await request(api.http).get(view.downloadUrl).expect(410);
    expect(again.body.code).toBe('export_already_downloaded');
  });
});
