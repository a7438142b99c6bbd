import request from 'supertest';
import type { PrismaClient } from '../../libs/db';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ERROR_SHAPE = {
  statusCode: expect.any(Number),
  code: expect.stringMatching(/^[a-z_]+$/),
  message: expect.any(String),
};
const ATTACHMENT_CAP = 64 * 1024;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake image body')]);

describe('HTTP API: editing tickets, their comments and attachments', () => {
  let api: TestApi;
  let tenantId: string;
  let adminKey: string;
  let agentKey: string;
  let auditorKey: string;
  let otherTenantKey: string;

  beforeAll(async () => {
    // No worker: the intake workflow would triage new tickets and bump their version under the tests' feet.
    api = await startTestApi({ withWorker: false, env: { TICKET_ATTACHMENT_MAX_BYTES: String(ATTACHMENT_CAP) } });
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `edits-${Date.now()}`, name: 'Edits LLP' }).expect(201);
    tenantId = created.body.tenant.id;
    adminKey = created.body.adminApiKey.key;
    const issue = async (role: string) => (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: `${role}-key`, role }).expect(201)).body.key;
    agentKey = await issue('agent');
    auditorKey = await issue('auditor');
    const other = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `edits-other-${Date.now()}`, name: 'Other' }).expect(201);
    otherTenantKey = other.body.adminApiKey.key;
  });

  afterAll(() => api.close());

  const newTicket = async () =>
    (await request(api.http).post('/v1/tickets').set(bearer(agentKey)).send({ summary: 'Laptop will not boot', requester: 'jane@acme.example' }).expect(201)).body as {
      id: string;
      ref: string;
      version: number;
    };

  const asTenant = <T>(work: (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]) => Promise<T>) =>
    api.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return work(tx);
    });
  const auditOf = (ref: string) => asTenant((tx) => tx.auditEvent.findMany({ where: { target: ref }, orderBy: { seq: 'asc' } }));
  const stateOf = async (ticketId: string) => ({
    ticket: await asTenant((tx) => tx.ticket.findUniqueOrThrow({ where: { id: ticketId } })),
    changes: await asTenant((tx) => tx.ticketFieldChange.count({ where: { ticketId } })),
    audit: await asTenant((tx) => tx.auditEvent.count()),
    comments: await asTenant((tx) => tx.ticketComment.count({ where: { ticketId } })),
    attachments: await asTenant((tx) => tx.ticketAttachment.count({ where: { ticketId } })),
    dataKeys: await asTenant((tx) => tx.dataKey.count()),
  });

  describe('PATCH /v1/tickets/:ref', () => {
    it('changes the given fields, records each with who, which side and when, and audits field names only', async () => {
      const ticket = await newTicket();
      expect(ticket.version).toBe(1);
      const edit = { summary: 'Laptop boots to a black screen', status: 'in_progress', priority: 'urgent', type: 'access_change', assignee: 'desk@acme.example', description: 'Since the update' };
      const patched = await request(api.http).patch(`/v1/tickets/${ticket.ref}`).set(bearer(agentKey)).send(edit).expect(200);
      expect(patched.body).toMatchObject({ ...edit, ref: ticket.ref, version: 2 });
      expect(patched.headers.etag).toBe('"2"');
      const read = await request(api.http).get(`/v1/tickets/${ticket.ref}`).set(bearer(auditorKey)).expect(200);
      expect(read.body).toMatchObject({ ...edit, version: 2 });
      expect(read.headers.etag).toBe('"2"');

      const changes = await request(api.http).get(`/v1/tickets/${ticket.ref}/changes`).set(bearer(auditorKey)).expect(200);
      expect(changes.body.map((change: { field: string }) => change.field).sort()).toEqual(['assignee', 'description', 'priority', 'status', 'summary', 'type']);
      for (const change of changes.body) {
        expect(change).toMatchObject({ version: 2, source: 'custodian', actor: 'api-key:agent-key', changedAt: patched.body.updatedAt });
      }

      // Clearing, and a field given with its current value, which is no change.
      const cleared = await request(api.http)
        .patch(`/v1/tickets/${ticket.id}`)
        .set(bearer(adminKey))
        .send({ assignee: null, description: null, priority: 'urgent' })
        .expect(200);
      expect(cleared.body).toMatchObject({ assignee: null, description: null, priority: 'urgent', version: 3 });

      const events = (await auditOf(ticket.ref)).filter((event) => event.action === 'ticket.updated');
      expect(events.map((event) => [event.actor, event.details])).toEqual([
        ['api-key:agent-key', { ticketId: ticket.id, fields: ['summary', 'description', 'status', 'priority', 'type', 'assignee'], version: 2 }],
        ['api-key:first-admin', { ticketId: ticket.id, fields: ['description', 'assignee'], version: 3 }],
      ]);
      expect(JSON.stringify(events.map((event) => event.details))).not.toContain('black screen');
      expect(JSON.stringify(events.map((event) => event.details))).not.toContain('desk@acme.example');
    });

    it('answers a stale If-Match with 412 and changes nothing; of two racing edits from one version exactly one wins', async () => {
      const ticket = await newTicket();
      await request(api.http).patch(`/v1/tickets/${ticket.ref}`).set(bearer(agentKey)).set('If-Match', '"1"').send({ priority: 'high' }).expect(200);
      const before = await stateOf(ticket.id);
      const stale = await request(api.http).patch(`/v1/tickets/${ticket.ref}`).set(bearer(agentKey)).set('If-Match', '"1"').send({ priority: 'low' }).expect(412);
      expect(stale.body).toMatchObject({ ...ERROR_SHAPE, statusCode: 412, code: 'conflict' });
      expect(await stateOf(ticket.id)).toEqual(before);

      const racing = await Promise.all(
        ['first racer', 'second racer'].map((summary) => request(api.http).patch(`/v1/tickets/${ticket.ref}`).set(bearer(agentKey)).set('If-Match', '"2"').send({ summary })),
      );
      expect(racing.map((response) => response.status).sort()).toEqual([200, 412]);
      const winner = racing.find((response) => response.status === 200)!;
      expect((await stateOf(ticket.id)).ticket).toMatchObject({ summary: winner.body.summary, version: 3 });
    });

    it('counts a change made by any other writer (a workflow) as a new version, recorded as system', async () => {
      const ticket = await newTicket();
      // What the intake workflow's activity does, through the app role.
      await asTenant((tx) => tx.ticket.updateMany({ where: { id: ticket.id, status: 'new' }, data: { status: 'triaged' } }));
      const changes = await request(api.http).get(`/v1/tickets/${ticket.id}/changes`).set(bearer(agentKey)).expect(200);
      expect(changes.body).toEqual([expect.objectContaining({ field: 'status', version: 2, source: 'custodian', actor: 'system' })]);
      await request(api.http).patch(`/v1/tickets/${ticket.ref}`).set(bearer(agentKey)).set('If-Match', '"1"').send({ status: 'in_progress' }).expect(412);
    });

    it('refuses bad input field by field with 400, writing nothing, not even the valid fields beside it', async () => {
      const ticket = await newTicket();
      const before = await stateOf(ticket.id);
      const cases: [Record<string, unknown>, string[]][] = [
        [{ summary: 'A fine new summary', status: 'open' }, ['status']],
        [{ priority: 'p1', type: 'bug' }, ['priority', 'type']],
        [{ assignee: 'not-an-email' }, ['assignee']],
        [{ summary: '' }, ['summary']],
        [{ summary: null }, ['summary']],
        [{ status: null }, ['status']],
        [{ description: 'x'.repeat(10_001) }, ['description']],
        [{ requester: 'mallory@evil.example' }, ['requester']],
        [{ workflowId: 'x', version: 9 }, ['version', 'workflowId']],
        [{}, ['body']],
      ];
      for (const [body, fields] of cases) {
        const response = await request(api.http).patch(`/v1/tickets/${ticket.ref}`).set(bearer(agentKey)).send(body).expect(400);
        expect(response.body).toMatchObject({ ...ERROR_SHAPE, code: 'validation_failed' });
        expect(response.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(fields);
      }
      const badPrecondition = await request(api.http).patch(`/v1/tickets/${ticket.ref}`).set(bearer(agentKey)).set('If-Match', 'W/"1"').send({ priority: 'low' }).expect(400);
      expect(badPrecondition.body).toMatchObject({ ...ERROR_SHAPE, code: 'bad_request' });
      await request(api.http).patch('/v1/tickets/not-a-ref').set(bearer(agentKey)).send({ priority: 'low' }).expect(400);
      expect(await stateOf(ticket.id)).toEqual(before);
    });

    it('is for agents and up: an auditor gets 403; an unknown ticket or another tenant\'s gets 404', async () => {
      const ticket = await newTicket();
      const before = await stateOf(ticket.id);
      const forbidden = await request(api.http).patch(`/v1/tickets/${ticket.ref}`).set(bearer(auditorKey)).send({ priority: 'low' }).expect(403);
      expect(forbidden.body).toMatchObject({ ...ERROR_SHAPE, code: 'forbidden' });
      const unknown = await request(api.http).patch('/v1/tickets/CT-999999').set(bearer(agentKey)).send({ priority: 'low' }).expect(404);
      expect(unknown.body).toMatchObject({ ...ERROR_SHAPE, code: 'not_found' });
      await request(api.http).patch(`/v1/tickets/${ticket.id}`).set(bearer(otherTenantKey)).send({ priority: 'low' }).expect(404);
      await request(api.http).get(`/v1/tickets/${ticket.id}/changes`).set(bearer(otherTenantKey)).expect(404);
      expect(await stateOf(ticket.id)).toEqual(before);
    });
  });

  describe('comments', () => {
    it('adds a comment (agent), lists it for any role with its author and side, and audits it without its text', async () => {
      const ticket = await newTicket();
      const added = await request(api.http).post(`/v1/tickets/${ticket.ref}/comments`).set(bearer(agentKey)).send({ body: 'Called Jane: the PIN is in the vault' }).expect(201);
      expect(added.body).toMatchObject({ id: expect.any(String), author: 'agent-key', authorEmail: null, body: 'Called Jane: the PIN is in the vault', source: 'custodian', externalId: null });
      await request(api.http).post(`/v1/tickets/${ticket.id}/comments`).set(bearer(adminKey)).send({ body: 'Second' }).expect(201);
      const listed = await request(api.http).get(`/v1/tickets/${ticket.ref}/comments`).set(bearer(auditorKey)).expect(200);
      expect(listed.body.map((comment: { body: string; author: string }) => [comment.author, comment.body])).toEqual([
        ['agent-key', 'Called Jane: the PIN is in the vault'],
        ['first-admin', 'Second'],
      ]);
      const events = (await auditOf(ticket.ref)).filter((event) => event.action === 'ticket.comment_added');
      expect(events.map((event) => [event.actor, event.details])).toEqual([
        ['api-key:agent-key', { ticketId: ticket.id, commentId: added.body.id, source: 'custodian' }],
        ['api-key:first-admin', expect.objectContaining({ source: 'custodian' })],
      ]);
      expect(JSON.stringify(events.map((event) => event.details))).not.toContain('vault');
    });

    it('refuses an empty or oversized comment (400), an auditor (403) and other tenants (404), writing nothing', async () => {
      const ticket = await newTicket();
      const before = await stateOf(ticket.id);
      for (const body of [{}, { body: '' }, { body: 'x'.repeat(10_001) }, { body: 42 }, { body: 'ok', author: 'someone else' }]) {
        const response = await request(api.http).post(`/v1/tickets/${ticket.ref}/comments`).set(bearer(agentKey)).send(body).expect(400);
        expect(response.body).toMatchObject({ ...ERROR_SHAPE, code: 'validation_failed' });
        expect(response.body.details.length).toBeGreaterThan(0);
      }
      await request(api.http).post(`/v1/tickets/${ticket.ref}/comments`).set(bearer(auditorKey)).send({ body: 'no' }).expect(403);
      await request(api.http).post(`/v1/tickets/${ticket.id}/comments`).set(bearer(otherTenantKey)).send({ body: 'no' }).expect(404);
      await request(api.http).get(`/v1/tickets/${ticket.id}/comments`).set(bearer(otherTenantKey)).expect(404);
      await request(api.http).post('/v1/tickets/CT-999999/comments').set(bearer(agentKey)).send({ body: 'no' }).expect(404);
      expect(await stateOf(ticket.id)).toEqual(before);
    });
  });

  describe('attachments', () => {
    it('stores a file encrypted, lists it, and hands it back byte for byte as a download; both audited without the name', async () => {
      const ticket = await newTicket();
      const secret = Buffer.from('Payroll export: SSN 123-45-6789\n');
      const added = await request(api.http)
        .post(`/v1/tickets/${ticket.ref}/attachments`)
        .set(bearer(agentKey))
        .attach('file', secret, { filename: 'Prüfbericht "Q3".txt', contentType: 'text/plain; charset=utf-8' })
        .expect(201);
      expect(added.body).toMatchObject({ fileName: 'Prüfbericht "Q3".txt', contentType: 'text/plain', sizeBytes: secret.length, source: 'custodian', uploadedBy: 'api-key:agent-key' });
      expect(added.body.sha256).toMatch(/^[0-9a-f]{64}$/);
      const image = await request(api.http).post(`/v1/tickets/${ticket.id}/attachments`).set(bearer(agentKey)).attach('file', PNG, { filename: '../../etc/screen.png', contentType: 'image/png' }).expect(201);
      expect(image.body.fileName).toBe('screen.png');

      const stored = await asTenant((tx) => tx.ticketAttachment.findUniqueOrThrow({ where: { id: added.body.id } }));
      expect(Buffer.from(stored.ciphertext).includes(Buffer.from('123-45-6789'))).toBe(false);
      expect(await asTenant((tx) => tx.dataKey.count({ where: { integrationId: added.body.id } }))).toBe(1);

      const listed = await request(api.http).get(`/v1/tickets/${ticket.ref}/attachments`).set(bearer(auditorKey)).expect(200);
      expect(listed.body.map((attachment: { id: string }) => attachment.id)).toEqual([added.body.id, image.body.id]);

      const downloaded = await request(api.http)
        .get(`/v1/tickets/${ticket.ref}/attachments/${added.body.id}`)
        .set(bearer(auditorKey))
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(Buffer.compare(downloaded.body as Buffer, secret)).toBe(0);
      expect(downloaded.headers['content-type']).toMatch(/^text\/plain/);
      expect(downloaded.headers['x-content-type-options']).toBe('nosniff');
      expect(downloaded.headers['content-disposition']).toBe(`attachment; filename="Pr_fbericht _Q3_.txt"; filename*=UTF-8''Pr%C3%BCfbericht%20%22Q3%22.txt`);
      expect(downloaded.headers['cache-control']).toBe('private, no-store');

      const events = (await auditOf(ticket.ref)).filter((event) => event.action.startsWith('ticket.attachment_'));
      expect(events.map((event) => [event.action, event.actor, event.details])).toEqual([
        ['ticket.attachment_added', 'api-key:agent-key', { attachmentId: added.body.id, contentType: 'text/plain', sizeBytes: secret.length, source: 'custodian' }],
        ['ticket.attachment_added', 'api-key:agent-key', expect.objectContaining({ contentType: 'image/png' })],
        ['ticket.attachment_downloaded', 'api-key:auditor-key', { attachmentId: added.body.id, contentType: 'text/plain', sizeBytes: secret.length }],
      ]);
      expect(JSON.stringify(events.map((event) => event.details))).not.toContain('Prüfbericht');
    });

    it(`accepts a file of exactly the cap and refuses one byte more with 413`, async () => {
      const ticket = await newTicket();
      const atCap = Buffer.alloc(ATTACHMENT_CAP, 'a');
      await request(api.http).post(`/v1/tickets/${ticket.ref}/attachments`).set(bearer(agentKey)).attach('file', atCap, { filename: 'a.txt', contentType: 'text/plain' }).expect(201);
      const before = await stateOf(ticket.id);
      const over = await request(api.http)
        .post(`/v1/tickets/${ticket.ref}/attachments`)
        .set(bearer(agentKey))
        .attach('file', Buffer.alloc(ATTACHMENT_CAP + 1, 'a'), { filename: 'b.txt', contentType: 'text/plain' })
        .expect(413);
      expect(over.body).toMatchObject({ ...ERROR_SHAPE, code: 'payload_too_large' });
      expect(await stateOf(ticket.id)).toEqual(before);
    });

    it('refuses types off the list and bytes that are not of the declared type with 415, and malformed uploads with 400, storing nothing', async () => {
      const ticket = await newTicket();
      const before = await stateOf(ticket.id);
      const windowsExecutable = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0x90)]);
      const refused: [Buffer, string][] = [
        [windowsExecutable, 'application/x-msdownload'],
        [Buffer.from('<html><script>alert(1)</script></html>'), 'text/html'],
        [windowsExecutable, 'image/png'],
        [Buffer.from('<svg onload="alert(1)"/>'), 'application/pdf'],
        [Buffer.from('text\u0000with a NUL'), 'text/plain'],
        [Buffer.from([0xff, 0xfe, 0xfd]), 'text/csv'],
      ];
      for (const [content, contentType] of refused) {
        const response = await request(api.http).post(`/v1/tickets/${ticket.ref}/attachments`).set(bearer(agentKey)).attach('file', content, { filename: 'f', contentType }).expect(415);
        expect(response.body).toMatchObject({ ...ERROR_SHAPE, code: 'unsupported_media_type' });
      }
      const notMultipart = await request(api.http).post(`/v1/tickets/${ticket.ref}/attachments`).set(bearer(agentKey)).send({ file: 'aGVsbG8=' }).expect(415);
      expect(notMultipart.body).toMatchObject({ ...ERROR_SHAPE, code: 'unsupported_media_type' });
      const noFile = await request(api.http).post(`/v1/tickets/${ticket.ref}/attachments`).set(bearer(agentKey)).field('note', 'no file here').expect(400);
      expect(noFile.body).toMatchObject(ERROR_SHAPE);
      await request(api.http).post(`/v1/tickets/${ticket.ref}/attachments`).set(bearer(agentKey)).attach('document', PNG, { filename: 'x.png', contentType: 'image/png' }).expect(400);
      const empty = await request(api.http).post(`/v1/tickets/${ticket.ref}/attachments`).set(bearer(agentKey)).attach('file', Buffer.alloc(0), { filename: 'e.txt', contentType: 'text/plain' }).expect(400);
      expect(empty.body).toMatchObject({ ...ERROR_SHAPE, code: 'validation_failed', details: [{ field: 'file', problems: expect.any(Array) }] });
      expect(await stateOf(ticket.id)).toEqual(before);
    });

    it("is uploaded by agents and up, read by any role, and another tenant's key gets 404 for all of it", async () => {
      const ticket = await newTicket();
      const otherTicket = await newTicket();
      const added = await request(api.http).post(`/v1/tickets/${ticket.ref}/attachments`).set(bearer(agentKey)).attach('file', PNG, { filename: 'p.png', contentType: 'image/png' }).expect(201);
      const before = await stateOf(ticket.id);
      const forbidden = await request(api.http).post(`/v1/tickets/${ticket.ref}/attachments`).set(bearer(auditorKey)).attach('file', PNG, { filename: 'p.png', contentType: 'image/png' }).expect(403);
      expect(forbidden.body).toMatchObject({ ...ERROR_SHAPE, code: 'forbidden' });
      await request(api.http).post(`/v1/tickets/${ticket.id}/attachments`).set(bearer(otherTenantKey)).attach('file', PNG, { filename: 'p.png', contentType: 'image/png' }).expect(404);
      await request(api.http).get(`/v1/tickets/${ticket.id}/attachments`).set(bearer(otherTenantKey)).expect(404);
      const foreign = await request(api.http).get(`/v1/tickets/${ticket.id}/attachments/${added.body.id}`).set(bearer(otherTenantKey)).expect(404);
      expect(foreign.body).toMatchObject({ ...ERROR_SHAPE, code: 'not_found' });
      await request(api.http).get(`/v1/tickets/${ticket.ref}/attachments/not-a-uuid`).set(bearer(agentKey)).expect(404);
      await request(api.http).get(`/v1/tickets/${otherTicket.ref}/attachments/${added.body.id}`).set(bearer(agentKey)).expect(404);
      await request(api.http).post('/v1/tickets/CT-999999/attachments').set(bearer(agentKey)).attach('file', PNG, { filename: 'p.png', contentType: 'image/png' }).expect(404);
      expect(await stateOf(ticket.id)).toEqual(before);
    });
  });
});
