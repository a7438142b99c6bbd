import request from 'supertest';
import { acknowledgementDueAt } from '../../libs/contracts';
import { startTestApi, type TestApi } from '../support/test-api';
import { until } from '../support/until';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ERROR_SHAPE = { statusCode: expect.any(Number), code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) };
const REPORTS_PER_MINUTE = 4;
const HOUR = 60 * 60 * 1000;

describe('HTTP API: vulnerability reports, breach incidents and notice contacts end to end', () => {
  let api: TestApi;
  let tenantId: string;
  let adminKey: string;
  let otherAdminKey: string;

  const report = { summary: 'Stored XSS in ticket summaries', details: 'A summary with <script> runs in the helpdesk view', reporterEmail: 'finder@research.example' };

  beforeAll(async () => {
    process.env.SECURITY_REPORTS_PER_MINUTE = String(REPORTS_PER_MINUTE);
    api = await startTestApi();
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `breach-${Date.now()}`, name: 'Breach Co' }).expect(201);
    tenantId = created.body.tenant.id;
    adminKey = created.body.adminApiKey.key;
    const other = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `bystander-${Date.now()}`, name: 'Bystander LLP' }).expect(201);
    otherAdminKey = other.body.adminApiKey.key;
  });

  afterAll(() => api.close());

  it('serves a plain HTML form that posts the report as JSON, under a strict content security policy', async () => {
    const page = await request(api.http).get('/security-report').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('<form id="report" method="post">');
    expect(page.text).toContain("fetch('/v1/security-reports'");
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'; connect-src 'self'/);
  });

  it('takes a report without a key: a CT reference at once, a triage ticket, and an acknowledgement an operator gives once', async () => {
    const before = Date.now();
    const received = await request(api.http).post('/v1/security-reports').send(report).expect(201);
    expect(received.body.ref).toMatch(/^CT-\d{6}$/);
    const receivedAt = Date.parse(received.body.receivedAt);
    expect(receivedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(received.body.acknowledgementDueAt).toBe(new Date(acknowledgementDueAt(receivedAt, [])).toISOString());

    await request(api.http).get(`/v1/security-reports/${received.body.ref}`).set(bearer(adminKey)).expect(403);
    const stored = await until(
      async () => (await request(api.http).get(`/v1/security-reports/${received.body.ref}`).set(bearer(api.operatorKey)).expect(200)).body,
      (body) => body.workflow.state !== null,
    );
    expect(stored).toMatchObject({ ticketStatus: 'new', summary: report.summary, reporterEmail: report.reporterEmail, acknowledgedAt: null });
    expect(stored.workflow.state.acknowledgementDueAt).toBe(received.body.acknowledgementDueAt);
    const announced = await until(
      () => api.prisma.platformNotification.count({ where: { deliveryKey: `security-report/${received.body.ref}/received` } }),
      (count) => count === 1,
    );
    expect(announced).toBe(1);

    const acknowledged = await request(api.http)
      .post(`/v1/security-reports/${received.body.ref}/acknowledgement`)
      .set(bearer(api.operatorKey))
      .send({ message: 'Thanks, we can reproduce it.' })
      .expect(200);
    expect(acknowledged.body).toMatchObject({ onTime: true, by: expect.stringMatching(/^operator:/) });
    const again = await request(api.http).post(`/v1/security-reports/${received.body.ref}/acknowledgement`).set(bearer(api.operatorKey)).send({}).expect(409);
    expect(again.body).toMatchObject({ ...ERROR_SHAPE, code: 'conflict' });
    const after = (await request(api.http).get(`/v1/security-reports/${received.body.ref}`).set(bearer(api.operatorKey)).expect(200)).body;
    expect(after).toMatchObject({ ticketStatus: 'triaged', acknowledgedBy: acknowledged.body.by });
  });

  it('lets tenant admins set where their notices go, audited, and no one else', async () => {
    await request(api.http).put('/v1/notification-contacts').set(bearer(adminKey)).send({ emails: ['not-an-email'] }).expect(400);
    const set = await request(api.http).put('/v1/notification-contacts').set(bearer(adminKey)).send({ emails: ['DPO@Breach.example', 'it@breach.example'] }).expect(200);
    expect(set.body).toEqual({ emails: ['dpo@breach.example', 'it@breach.example'] });
    expect((await request(api.http).get('/v1/notification-contacts').set(bearer(otherAdminKey)).expect(200)).body).toEqual({ emails: [] });
    await request(api.http).put('/v1/notification-contacts').set(bearer(api.operatorKey)).send({ emails: ['x@y.example'] }).expect(403);
    const trail = await request(api.http).get('/v1/audit/export?action=tenant.notification_contacts_changed').set(bearer(adminKey)).expect(200);
    expect(trail.text).toContain('"added":["dpo@breach.example","it@breach.example"]');
  });

  it('runs a breach from declaration to notices; the affected tenant sees its notice in its own audit export', async () => {
    await request(api.http).put('/v1/notification-contacts').set(bearer(adminKey)).send({ emails: ['dpo@breach.example'] }).expect(200);
    const declaration = {
      awarenessAt: new Date(Date.now() - 10 * HOUR).toISOString(),
      description: 'Client exports were reachable without signing in',
      suspectedDataCategories: ['contact details'],
      ownerEmail: 'owner@custodian.example',
    };
    await request(api.http).post('/v1/incidents').set(bearer(adminKey)).send(declaration).expect(403);
    const future = await request(api.http).post('/v1/incidents').set(bearer(api.operatorKey)).send({ ...declaration, awarenessAt: new Date(Date.now() + HOUR).toISOString() }).expect(400);
    expect(future.body).toMatchObject({ ...ERROR_SHAPE, code: 'validation_failed' });

    const declared = await request(api.http).post('/v1/incidents').set(bearer(api.operatorKey)).send(declaration).expect(201);
    const ref = declared.body.incidentRef;
    expect(ref).toMatch(/^IR-\d{6}$/);
    expect(declared.body).toMatchObject({ workflowId: `breach/${ref}`, deadline: new Date(Date.parse(declaration.awarenessAt) + 72 * HOUR).toISOString() });
    const early = await request(api.http).post(`/v1/incidents/${ref}/approval`).set(bearer(api.operatorKey)).send({}).expect(409);
    expect(early.body.message).toMatch(/only after an assessment finds the breach notifiable/);
    const unknown = await request(api.http)
      .post(`/v1/incidents/${ref}/assessment`)
      .set(bearer(api.operatorKey))
      .send({ affectedTenants: ['00000000-0000-4000-8000-000000000000'] })
      .expect(400);
    expect(unknown.body).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/no such customer tenant/) });
    await request(api.http).post(`/v1/incidents/${ref}/assessment`).set(bearer(api.operatorKey)).send({ affectedTenants: 'some' }).expect(400);

    const assessed = await request(api.http)
      .post(`/v1/incidents/${ref}/assessment`)
      .set(bearer(api.operatorKey))
      .send({
        affectedTenants: [tenantId],
        notifiable: true,
        containment: 'contained',
        approximateDataSubjects: 40,
        likelyConsequences: 'Targeted phishing',
        measuresTaken: 'Links revoked',
      })
      .expect(200);
    expect(assessed.body.assessment.affectedTenants).toMatchObject({ selection: 'list', tenantIds: [tenantId] });
    await request(api.http).post(`/v1/incidents/${ref}/approval`).set(bearer(api.operatorKey)).send({}).expect(200);

    const view = await until(
      async () => (await request(api.http).get(`/v1/incidents/${ref}`).set(bearer(api.operatorKey)).expect(200)).body,
      (body) => body.incident.outcome !== null,
    );
    expect(view.incident).toMatchObject({ outcome: 'notified_on_time', phase: 'notified' });
    expect(view.notices.notified).toEqual([expect.objectContaining({ tenantId })]);
    expect(view.timeRemaining.timeRemainingMs).toBeGreaterThan(61 * HOUR);
    expect(view.timeline.map((entry: { event: string }) => entry.event)).toEqual(
      expect.arrayContaining(['declared', 'assessed', 'notifications_approved', 'tenant_notified', 'regulator_notified', 'notifications_completed']),
    );

    const exported = await request(api.http).get('/v1/audit/export?action=breach.notice_delivered').set(bearer(adminKey)).expect(200);
    const events = exported.text.trim().split('\n').map((line) => JSON.parse(line)).slice(1);
    expect(events).toEqual([expect.objectContaining({ action: 'breach.notice_delivered', target: ref, outcome: 'success' })]);
    expect(events[0].details).toMatchObject({ recipients: ['dpo@breach.example'], channel: 'outbox', deliveredAt: view.notices.notified[0].deliveredAt });
    const bystander = await request(api.http).get('/v1/audit/export?action=breach.notice_delivered').set(bearer(otherAdminKey)).expect(200);
    expect(bystander.text.trim().split('\n')).toHaveLength(1);

    await request(api.http).get('/v1/incidents/IR-999999').set(bearer(api.operatorKey)).expect(404);
    await request(api.http).get('/v1/incidents/not-a-ref').set(bearer(api.operatorKey)).expect(400);
  });

  it('refuses malformed reports with 400 and a flood with 429 in the error shape, limiting no other route', async () => {
    const unknownField = await request(api.http).post('/v1/security-reports').send({ ...report, severity: 'critical' }).expect(400);
    expect(unknownField.body).toMatchObject({ ...ERROR_SHAPE, code: 'validation_failed' });
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    for (let attempt = 0; attempt < REPORTS_PER_MINUTE + 1 && !refused; attempt += 1) {
      const response = await request(api.http).post('/v1/security-reports').send({ ...report, reporterEmail: 'not-an-email' });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses.every((status) => status === 400 || status === 429)).toBe(true);
    expect(refused?.body).toMatchObject({ ...ERROR_SHAPE, statusCode: 429, code: 'too_many_requests', message: expect.stringMatching(/too many security reports/) });
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
    await request(api.http).get('/health').expect(200);
    await request(api.http).get('/v1/notification-contacts').set(bearer(adminKey)).expect(200);
  });
});
