import request from 'supertest';
import { JIRA_SYNC_FIELDS } from '../../libs/contracts';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ERROR_SHAPE = {
  statusCode: expect.any(Number),
  code: expect.stringMatching(/^[a-z_]+$/),
  message: expect.any(String),
};

const settings = (projectKeys: string[]) => ({
  projectKeys,
  fields: {
    summary: { direction: 'both' },
    description: { direction: 'both' },
    status: { direction: 'both', strategy: 'jira-wins' },
    priority: { direction: 'to-jira' },
    issuetype: { direction: 'off' },
    assignee: { direction: 'both' },
    comments: { direction: 'both' },
    attachments: { direction: 'from-jira', strategy: 'custodian-wins' },
  },
  statusMap: {
    toJira: { new: 'To Do', triaged: 'To Do', in_progress: 'In Progress', resolved: 'Done', closed: 'Done', rejected: "Won't Do" },
    fromJira: { 'To Do': 'new', 'In Progress': 'in_progress', Done: 'resolved', "Won't Do": 'rejected' },
  },
  priorityMap: { toJira: { low: 'Low', normal: 'Medium', high: 'High', urgent: 'Highest' } },
  assigneeByEmail: true,
});

describe('HTTP API: Jira sync configurations', () => {
  let api: TestApi;
  let tenantId: string;
  let adminKey: string;
  let auditorKey: string;
  let managerKey: string;
  let otherTenantKey: string;

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false });
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `jira-cfg-${Date.now()}`, name: 'Jira Config LLP' }).expect(201);
    tenantId = created.body.tenant.id;
    adminKey = created.body.adminApiKey.key;
    const issue = async (role: string) => (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: `${role}-key`, role }).expect(201)).body.key;
    auditorKey = await issue('auditor');
    managerKey = await issue('manager');
    const other = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `jira-cfg-other-${Date.now()}`, name: 'Other' }).expect(201);
    otherTenantKey = other.body.adminApiKey.key;
  });

  afterAll(() => api.close());

  const asTenant = <T>(work: (tx: Parameters<Parameters<typeof api.prisma.$transaction>[0]>[0]) => Promise<T>) =>
    api.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return work(tx);
    });
  const stored = () => asTenant(async (tx) => ({ configs: await tx.jiraSyncConfig.findMany({ orderBy: { id: 'asc' } }), audit: await tx.auditEvent.count() }));

  it('creates, reads (admin, auditor), replaces and deletes a configuration, each change audited', async () => {
    const created = await request(api.http).post('/v1/jira/sync-configs').set(bearer(adminKey)).send(settings(['OPS'])).expect(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      projectKeys: ['OPS'],
      version: 1,
      createIssues: null,
      issueTypeMap: { toJira: {}, fromJira: {} },
      createdBy: 'api-key:first-admin',
    });
    expect(created.body.fields.summary).toEqual({ direction: 'both', strategy: 'newest-wins' });
    expect(created.body.fields.status).toEqual({ direction: 'both', strategy: 'jira-wins' });
    expect(Object.keys(created.body.fields).sort()).toEqual([...JIRA_SYNC_FIELDS].sort());
    expect(created.headers.location).toBe(`/v1/jira/sync-configs/${created.body.id}`);
    expect(created.headers.etag).toBe('"1"');

    const read = await request(api.http).get(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(auditorKey)).expect(200);
    expect(read.body).toEqual(created.body);
    const listed = await request(api.http).get('/v1/jira/sync-configs').set(bearer(auditorKey)).expect(200);
    expect(listed.body).toEqual([created.body]);

    const replacement = { ...settings(['OPS', 'HELP']), fields: { ...settings([]).fields, priority: { direction: 'off' } } };
    const replaced = await request(api.http).put(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(adminKey)).set('If-Match', '"1"').send(replacement).expect(200);
    expect(replaced.body).toMatchObject({ id: created.body.id, projectKeys: ['OPS', 'HELP'], version: 2, fields: { priority: { direction: 'off' } } });
    expect(replaced.headers.etag).toBe('"2"');

    await request(api.http).delete(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(adminKey)).expect(204);
    await request(api.http).get(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(adminKey)).expect(404);

    const events = await asTenant((tx) => tx.auditEvent.findMany({ where: { action: { startsWith: 'jira.sync_config.' } }, orderBy: { seq: 'asc' } }));
    expect(events.map((event) => [event.action, event.actor, event.target, event.details])).toEqual([
      ['jira.sync_config.created', 'api-key:first-admin', created.body.id, { configId: created.body.id, projectKeys: ['OPS'], version: 1 }],
      ['jira.sync_config.replaced', 'api-key:first-admin', created.body.id, { configId: created.body.id, projectKeys: ['OPS', 'HELP'], changed: ['projectKeys', 'fields'], version: 2 }],
      ['jira.sync_config.deleted', 'api-key:first-admin', created.body.id, { configId: created.body.id, projectKeys: ['OPS', 'HELP'] }],
    ]);
  });

  it('refuses invalid maps with 400 naming each field, and stores nothing', async () => {
    const before = await stored();
    const bad = settings(['OPS']);
    delete (bad.statusMap.toJira as Record<string, string>).rejected;
    (bad.statusMap.fromJira as Record<string, string>).done = 'closed';
    const refused = await request(api.http)
      .post('/v1/jira/sync-configs')
      .set(bearer(adminKey))
      .send({ ...bad, projectKeys: ['OPS', 'ops'], priorityMap: { toJira: { low: 'Low' } }, assigneeByEmail: false })
      .expect(400);
    expect(refused.body).toMatchObject({ ...ERROR_SHAPE, code: 'validation_failed' });
    expect(refused.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'assigneeByEmail',
      'priorityMap.toJira',
      'projectKeys[1]',
      'statusMap.fromJira.done',
    ]);
    for (const body of [[], 'OPS', { projectKeys: ['OPS'] }, { ...settings(['OPS']), fields: { ...settings([]).fields, comments: { direction: 'sometimes' } } }]) {
      // As JSON text: supertest would send a bare string as a form, which the API refuses with 415 before validation.
      const response = await request(api.http).post('/v1/jira/sync-configs').set(bearer(adminKey)).set('Content-Type', 'application/json').send(JSON.stringify(body));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject(ERROR_SHAPE);
      // A body that is not even an object is refused as a whole; a settings object is refused naming its fields.
      if (typeof body === 'object' && !Array.isArray(body)) expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]));
    }
    expect(await stored()).toEqual(before);
  });

  it('keeps each Jira project (and each created ticket type) in one configuration: 409 for a second', async () => {
    const first = await request(api.http)
      .post('/v1/jira/sync-configs')
      .set(bearer(adminKey))
      .send({ ...settings(['FIN']), issueTypeMap: { toJira: { general: 'Task' } }, createIssues: { projectKey: 'FIN', ticketTypes: ['general'] } })
      .expect(201);
    const before = await stored();
    const sameProject = await request(api.http).post('/v1/jira/sync-configs').set(bearer(adminKey)).send(settings(['SEC', 'FIN'])).expect(409);
    expect(sameProject.body).toMatchObject({ ...ERROR_SHAPE, code: 'conflict', details: [{ field: 'projectKeys', problems: [expect.stringContaining('FIN')] }] });
    const sameType = await request(api.http)
      .post('/v1/jira/sync-configs')
      .set(bearer(adminKey))
      .send({ ...settings(['SEC']), issueTypeMap: { toJira: { general: 'Bug' } }, createIssues: { projectKey: 'SEC', ticketTypes: ['general'] } })
      .expect(409);
    expect(sameType.body.details).toEqual([{ field: 'createIssues.ticketTypes', problems: [expect.stringContaining('general')] }]);
    expect(await stored()).toEqual(before);

    // Concurrent creates of one project: exactly one is stored.
    const racing = await Promise.all([1, 2, 3].map(() => request(api.http).post('/v1/jira/sync-configs').set(bearer(adminKey)).send(settings(['RACE']))));
    expect(racing.map((response) => response.status).sort()).toEqual([201, 409, 409]);
    await request(api.http).delete(`/v1/jira/sync-configs/${first.body.id}`).set(bearer(adminKey)).expect(204);
  });

  it('answers a stale If-Match with 412 and changes nothing', async () => {
    const created = await request(api.http).post('/v1/jira/sync-configs').set(bearer(adminKey)).send(settings(['STALE'])).expect(201);
    await request(api.http).put(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(adminKey)).send(settings(['STALE', 'NEW'])).expect(200);
    const before = await stored();
    const stale = await request(api.http).put(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(adminKey)).set('If-Match', '"1"').send(settings(['STALE'])).expect(412);
    expect(stale.body).toMatchObject({ ...ERROR_SHAPE, code: 'conflict' });
    await request(api.http).delete(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(adminKey)).set('If-Match', '"1"').expect(412);
    expect(await stored()).toEqual(before);
  });

  it('is written by admins only and read by admins and auditors; another tenant sees none of it', async () => {
    const created = await request(api.http).post('/v1/jira/sync-configs').set(bearer(adminKey)).send(settings(['PRIV'])).expect(201);
    const before = await stored();
    const forbidden = await request(api.http).post('/v1/jira/sync-configs').set(bearer(managerKey)).send(settings(['MGR'])).expect(403);
    expect(forbidden.body).toMatchObject({ ...ERROR_SHAPE, code: 'forbidden' });
    await request(api.http).put(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(auditorKey)).send(settings(['PRIV'])).expect(403);
    await request(api.http).delete(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(auditorKey)).expect(403);
    await request(api.http).get('/v1/jira/sync-configs').set(bearer(managerKey)).expect(403);

    const foreignRead = await request(api.http).get(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(otherTenantKey)).expect(404);
    expect(foreignRead.body).toMatchObject({ ...ERROR_SHAPE, code: 'not_found' });
    await request(api.http).put(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(otherTenantKey)).send(settings(['PRIV'])).expect(404);
    await request(api.http).delete(`/v1/jira/sync-configs/${created.body.id}`).set(bearer(otherTenantKey)).expect(404);
    expect((await request(api.http).get('/v1/jira/sync-configs').set(bearer(otherTenantKey)).expect(200)).body).toEqual([]);
    // Projects are per tenant: another tenant may sync its own PRIV project.
    await request(api.http).post('/v1/jira/sync-configs').set(bearer(otherTenantKey)).send(settings(['PRIV'])).expect(201);
    await request(api.http).get('/v1/jira/sync-configs/not-a-uuid').set(bearer(adminKey)).expect(404);
    expect(await stored()).toEqual(before);
  });
});
