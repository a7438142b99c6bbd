import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import type { ActivityDependencies } from '../../activities';
import type { Notice, Notifier } from '../../libs/connectors/email';
import {
  approveBreachNotificationsUpdate,
  assessBreachUpdate,
  BREACH_NOTIFICATION_WORKFLOW,
  breachIncidentQuery,
  breachNoticesQuery,
  breachNotificationWorkflowId,
  breachTimelineQuery,
  breachTimeRemainingQuery,
  closeBreachIncidentUpdate,
  explainBreachDelayUpdate,
  type BreachAssessmentRequest,
  type BreachNotificationInput,
  type BreachNotificationResult,
} from '../../libs/contracts';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { nextIncidentRef } from '../../libs/security/incident-refs';
import { SECURITY_TENANT_ID } from '../../libs/security/security-tenant';
import { custodianDataConverter } from '../../libs/temporal/data-converter';
import { appPrisma, insertTenant, ownerConnection, ownerQueryAsTenant, testActivityDependencies, testEnv, testPayloadCodec } from '../support/test-environment';
import { createTimeSkippingEnvironment, createTimeSkippingWorker, eventually } from '../support/time-skipping';

const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;
const OPERATOR = 'operator:alice';

describe('breach notification workflow (time skipping, real activities and PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  const running: WorkflowHandle[] = [];

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    env = await createTimeSkippingEnvironment();
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
  }, 15 * 60_000);

  afterEach(async () => {
    // A workflow left running would keep its timers firing in later tests' skipped time.
    await Promise.all(running.splice(0).map((handle) => handle.terminate('test over').catch(() => undefined)));
  });

  afterAll(async () => {
    await owner?.end();
    await prisma?.$disconnect();
    await env?.teardown();
  });

  async function tenantWithContacts(...emails: string[]): Promise<string> {
    const tenantId = await insertTenant(owner);
    for (const email of emails) {
      await ownerQueryAsTenant(owner, tenantId, 'INSERT INTO tenant_contacts (tenant_id, email, created_by) VALUES ($1, $2, $3)', [tenantId, email, 'test']);
    }
    return tenantId;
  }

  async function declare(taskQueue: string, hoursSinceAwareness: number): Promise<{ handle: WorkflowHandle; input: BreachNotificationInput }> {
    const now = await env.currentTimeMs();
    const incidentRef = await nextIncidentRef(prisma);
    const input: BreachNotificationInput = {
      incidentRef,
      awarenessAt: new Date(now - hoursSinceAwareness * HOUR).toISOString(),
      declaredAt: new Date(now).toISOString(),
      declaredBy: OPERATOR,
      ownerEmail: 'incident-owner@custodian.example',
      description: 'A client report export was reachable without signing in',
      suspectedDataCategories: ['contact details'],
    };
    const handle = await env.client.workflow.start(BREACH_NOTIFICATION_WORKFLOW, {
      taskQueue,
      workflowId: breachNotificationWorkflowId(incidentRef),
      args: [input],
    });
    running.push(handle);
    return { handle, input };
  }

  const notifiable = (affectedTenants: BreachAssessmentRequest['affectedTenants']): BreachAssessmentRequest => ({
    by: OPERATOR,
    affectedTenants,
    dataCategories: ['contact details', 'tax identifiers'],
    notifiable: true,
    containment: 'contained',
    approximateDataSubjects: 120,
    approximateRecords: 480,
    likelyConsequences: 'Phishing aimed at the clients named in the report',
    measuresTaken: 'The export link was revoked and access logs reviewed',
  });

  const escalationNotices = (incidentRef: string) =>
    prisma.platformNotification.findMany({ where: { deliveryKey: { startsWith: `breach/${incidentRef}/escalation/` } }, orderBy: { deliveredAt: 'asc' } });

  async function escalationsSent(handle: WorkflowHandle) {
    const timeline = await handle.query(breachTimelineQuery);
    return timeline.filter((entry) => entry.event === 'escalation_sent').map((entry) => ({ at: Date.parse(entry.at), reason: entry.details.reason }));
  }

  const securityTrail = (incidentRef: string) =>
    db.withTenant(SECURITY_TENANT_ID, (tx) => tx.auditEvent.findMany({ where: { target: incidentRef }, orderBy: { seq: 'asc' } }));

  it('declared with T0 10 hours ago: the deadline is 62 h away and reminders fire at T0+24, +48 and +60 h', async () => {
    const taskQueue = `breach-${randomUUID()}`;
    const worker = await createTimeSkippingWorker(env, taskQueue, testActivityDependencies(db));
    await worker.runUntil(async () => {
      const { handle, input } = await declare(taskQueue, 10);
      const t0 = Date.parse(input.awarenessAt);

      const remaining = await handle.query(breachTimeRemainingQuery);
      expect(remaining.deadline).toBe(new Date(t0 + 72 * HOUR).toISOString());
      expect(remaining.timeRemainingMs).toBeLessThanOrEqual(62 * HOUR);
      expect(remaining.timeRemainingMs).toBeGreaterThan(62 * HOUR - MINUTE);
      // The owner hears of the declaration at once, with the deadline.
      await eventually(async () => expect((await escalationsSent(handle)).map((sent) => sent.reason)).toEqual(['declared']));

      const reminderHours = [24, 48, 60];
      for (const [index, hours] of reminderHours.entries()) {
        await env.sleep(t0 + hours * HOUR - MINUTE - (await env.currentTimeMs()));
        expect(await escalationsSent(handle)).toHaveLength(index + 1);
        await env.sleep(2 * MINUTE);
        const sent = await eventually(async () => {
          const all = await escalationsSent(handle);
          expect(all).toHaveLength(index + 2);
          return all;
        });
        expect(sent[index + 1]!.reason).toBe('reminder');
        expect(sent[index + 1]!.at).toBeGreaterThanOrEqual(t0 + hours * HOUR);
        expect(sent[index + 1]!.at).toBeLessThan(t0 + hours * HOUR + 2 * MINUTE);
      }

      const notices = await escalationNotices(input.incidentRef);
      expect(notices).toHaveLength(4);
      expect(notices[1]!.recipients).toEqual(['incident-owner@custodian.example', 'security-escalation@custodian.example']);
      expect(notices[3]!.subject).toMatch(/reminder: 1[12] h left/);
      expect(notices[3]!.body).toContain('assessment (affected tenants, notifiable)');
      const trail = await securityTrail(input.incidentRef);
      expect(trail.filter((event) => event.action === 'incident.escalation_sent')).toHaveLength(4);
      expect(trail[0]).toMatchObject({ action: 'incident.declared', actor: OPERATOR, outcome: 'success' });
    });
  });

  it('approved before 72 h: one notice per tenant and a regulator record, with delivered-at evidence, on time', async () => {
    const taskQueue = `breach-${randomUUID()}`;
    const tenantA = await tenantWithContacts('it@a.example', 'dpo@a.example');
    const tenantB = await tenantWithContacts('admin@b.example');
    const bystander = await tenantWithContacts('admin@bystander.example');
    const worker = await createTimeSkippingWorker(env, taskQueue, testActivityDependencies(db));
    const { input, result, history } = await worker.runUntil(async () => {
      const { handle, input } = await declare(taskQueue, 10);
      await expect(handle.executeUpdate(approveBreachNotificationsUpdate, { args: [{ by: OPERATOR }] })).rejects.toThrow(WorkflowUpdateFailedError);

      await handle.executeUpdate(assessBreachUpdate, { args: [notifiable([tenantA, tenantB])] });
      await env.sleep(20 * HOUR);
      await handle.executeUpdate(approveBreachNotificationsUpdate, { args: [{ by: 'operator:bob' }] });
      const result = await handle.result();

      const notices = await handle.query(breachNoticesQuery);
      expect(notices.notified.map((notice) => notice.tenantId).sort()).toEqual([tenantA, tenantB].sort());
      expect(notices.pending).toEqual([]);
      expect(notices.regulator).toMatchObject({ status: 'delivered', channel: 'outbox' });
      const timeRemaining = await handle.query(breachTimeRemainingQuery);
      expect(timeRemaining.timeRemainingMs).toBeGreaterThan(40 * HOUR);
      return { input, result: result as BreachNotificationResult, history: await handle.fetchHistory() };
    });
    // The finished history replays against the current code: no non-determinism in timers, updates and sends.
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: testEnv().workflowBundle }, dataConverter: custodianDataConverter(testPayloadCodec()) },
      history,
      breachNotificationWorkflowId(input.incidentRef),
    );

    expect(result.outcome).toBe('notified_on_time');
    expect(Date.parse(result.completedAt)).toBeLessThan(Date.parse(result.deadline));
    expect(result.deadlineMissedAt).toBeNull();

    const tenantNotice = await db.withTenant(tenantA, (tx) => tx.notification.findMany({ where: { kind: 'breach.tenant_notice' } }));
    expect(tenantNotice).toHaveLength(1);
    expect(tenantNotice[0]!.recipients).toEqual(['dpo@a.example', 'it@a.example']);
    expect(tenantNotice[0]!.body).toContain('(c) Likely consequences: Phishing aimed at the clients named in the report');
    const trailA = await db.withTenant(tenantA, (tx) => tx.auditEvent.findMany({ where: { action: 'breach.notice_delivered' } }));
    expect(trailA).toHaveLength(1);
    expect(trailA[0]).toMatchObject({ target: input.incidentRef, outcome: 'success' });
    expect(trailA[0]!.details).toMatchObject({ deliveredAt: tenantNotice[0]!.deliveredAt.toISOString(), channel: 'outbox' });
    // A tenant that was not affected hears nothing and sees nothing of the incident.
    const bystanderTrail = await db.withTenant(bystander, (tx) => tx.auditEvent.count({ where: { target: input.incidentRef } }));
    expect(bystanderTrail).toBe(0);

    const regulator = await prisma.platformNotification.findUniqueOrThrow({ where: { deliveryKey: `breach/${input.incidentRef}/regulator` } });
    expect(regulator.recipients).toEqual(['dpo@custodian.example']);
    for (const particular of [
      '(a) Nature of the breach: A client report export was reachable without signing in',
      'Categories of personal data concerned: contact details, tax identifiers',
      'Data subjects concerned: approximately 120',
      'Personal data records concerned: approximately 480',
      '(b) Contact point for more information: Data Protection Officer, dpo@custodian.example',
      '(d) Measures taken or proposed, including to mitigate possible adverse effects: The export link was revoked',
    ]) {
      expect(regulator.body).toContain(particular);
    }
    expect(regulator.body).not.toContain('Reasons for the delay');

    const trail = await securityTrail(input.incidentRef);
    expect(trail.map((event) => event.action)).toEqual(
      expect.arrayContaining(['incident.assessed', 'incident.notifications_approved', 'incident.tenant_notified', 'incident.regulator_notified', 'incident.notifications_completed']),
    );
    expect(trail.find((event) => event.action === 'incident.notifications_approved')).toMatchObject({ actor: 'operator:bob' });
  });

  it('never approved: the missed deadline is recorded and escalation goes on every 12 h; a late approval needs a reason', async () => {
    const taskQueue = `breach-${randomUUID()}`;
    const tenant = await tenantWithContacts('admin@late.example');
    const worker = await createTimeSkippingWorker(env, taskQueue, testActivityDependencies(db));
    const { input, result, reasons } = await worker.runUntil(async () => {
      const { handle, input } = await declare(taskQueue, 10);
      const t0 = Date.parse(input.awarenessAt);
      await handle.executeUpdate(assessBreachUpdate, { args: [notifiable([tenant])] });

      await env.sleep(t0 + 72 * HOUR + MINUTE - (await env.currentTimeMs()));
      const incident = await eventually(async () => {
        const view = await handle.query(breachIncidentQuery);
        expect(view.deadlineMissedAt).not.toBeNull();
        return view;
      });
      expect(Date.parse(incident.deadlineMissedAt!)).toBeGreaterThanOrEqual(t0 + 72 * HOUR);
      expect((await handle.query(breachTimeRemainingQuery)).deadlineMissed).toBe(true);

      await expect(handle.executeUpdate(approveBreachNotificationsUpdate, { args: [{ by: OPERATOR }] })).rejects.toThrow(
        expect.objectContaining({ cause: expect.objectContaining({ message: expect.stringContaining('reason for the delay (GDPR Art. 33(1))') }) }),
      );
      for (const hoursAfterDeadline of [12, 24]) {
        await env.sleep(t0 + (72 + hoursAfterDeadline) * HOUR + MINUTE - (await env.currentTimeMs()));
        await eventually(async () => {
          const overdue = (await escalationsSent(handle)).filter((sent) => sent.reason === 'overdue');
          expect(overdue).toHaveLength(hoursAfterDeadline / 12);
          expect(overdue.at(-1)!.at).toBeGreaterThanOrEqual(t0 + (72 + hoursAfterDeadline) * HOUR);
        });
      }

      await handle.executeUpdate(explainBreachDelayUpdate, { args: [{ by: OPERATOR, reason: 'Forensics needed to identify the affected clients' }] });
      await handle.executeUpdate(approveBreachNotificationsUpdate, { args: [{ by: OPERATOR }] });
      const result = await handle.result();
      return { input, result, reasons: (await escalationsSent(handle)).map((sent) => sent.reason) };
    });

    expect(result.outcome).toBe('notified_late');
    expect(result.deadlineMissedAt).not.toBeNull();
    expect(reasons).toEqual(['declared', 'reminder', 'reminder', 'reminder', 'deadline_missed', 'overdue', 'overdue']);
    const trail = await securityTrail(input.incidentRef);
    const missed = trail.find((event) => event.action === 'incident.deadline_missed');
    expect(missed).toMatchObject({ outcome: 'failure' });
    expect(missed!.details).toMatchObject({ outstanding: ['approval of the notices'] });
    expect(trail.find((event) => event.action === 'incident.delay_explained')!.details).toMatchObject({
      reason: 'Forensics needed to identify the affected clients',
    });
    const regulator = await prisma.platformNotification.findUniqueOrThrow({ where: { deliveryKey: `breach/${input.incidentRef}/regulator` } });
    expect(regulator.body).toContain('Reasons for the delay (Art. 33(1)): Forensics needed to identify the affected clients');
  });

  it('a notifier that fails twice, once after delivering, then succeeds: exactly one notice per tenant', async () => {
    const taskQueue = `breach-${randomUUID()}`;
    const tenants = [await tenantWithContacts('admin@flaky-1.example'), await tenantWithContacts('admin@flaky-2.example')];
    const base = testActivityDependencies(db);
    const attempts = new Map<string, number>();
    // The mail boundary misbehaves: first a refusal, then a send whose acknowledgement is lost.
    const flaky: Notifier = {
      async send(notice: Notice) {
        if (notice.kind !== 'breach.tenant_notice') return base.notifier.send(notice);
        const attempt = (attempts.get(notice.deliveryKey) ?? 0) + 1;
        attempts.set(notice.deliveryKey, attempt);
        if (attempt === 1) throw new Error('421 service not available, try again later');
        const delivery = await base.notifier.send(notice);
        if (attempt === 2) throw new Error('connection reset after DATA');
        return delivery;
      },
    };
    const dependencies: ActivityDependencies = { ...base, notifier: flaky };
    const worker = await createTimeSkippingWorker(env, taskQueue, dependencies);
    const result = await worker.runUntil(async () => {
      const { handle } = await declare(taskQueue, 2);
      await handle.executeUpdate(assessBreachUpdate, { args: [notifiable(tenants)] });
      await handle.executeUpdate(approveBreachNotificationsUpdate, { args: [{ by: OPERATOR }] });
      return (await handle.result()) as BreachNotificationResult;
    });

    expect(result.outcome).toBe('notified_on_time');
    expect([...attempts.values()]).toEqual([3, 3]);
    for (const tenantId of tenants) {
      const [notices, events] = await db.withTenant(tenantId, async (tx) => [
        await tx.notification.count({ where: { kind: 'breach.tenant_notice' } }),
        await tx.auditEvent.count({ where: { action: 'breach.notice_delivered' } }),
      ]);
      expect({ notices, events }).toEqual({ notices: 1, events: 1 });
    }
  });

  it('an incident assessed as not notifiable closes with a reason, and only then', async () => {
    const taskQueue = `breach-${randomUUID()}`;
    const worker = await createTimeSkippingWorker(env, taskQueue, testActivityDependencies(db));
    const { input, result } = await worker.runUntil(async () => {
      const { handle, input } = await declare(taskQueue, 3);
      const close = () => handle.executeUpdate(closeBreachIncidentUpdate, { args: [{ by: OPERATOR, reason: 'Encrypted backup; key not exposed' }] });
      await expect(close()).rejects.toThrow(WorkflowUpdateFailedError);
      await handle.executeUpdate(assessBreachUpdate, { args: [{ by: OPERATOR, notifiable: false, containment: 'resolved' }] });
      await close();
      return { input, result: (await handle.result()) as BreachNotificationResult };
    });
    expect(result).toMatchObject({ outcome: 'closed_not_notifiable', deadlineMissedAt: null });
    const closed = (await securityTrail(input.incidentRef)).find((event) => event.action === 'incident.closed');
    expect(closed).toMatchObject({ actor: OPERATOR });
    expect(closed!.details).toMatchObject({ reason: 'Encrypted backup; key not exposed' });
    expect(await prisma.platformNotification.count({ where: { deliveryKey: { startsWith: `breach/${input.incidentRef}/` }, kind: { not: 'breach.escalation' } } })).toBe(0);
  });

  it('"all tenants" resolves to the customer tenants that exist when the assessment arrives', async () => {
    const taskQueue = `breach-${randomUUID()}`;
    const before = await insertTenant(owner);
    const worker = await createTimeSkippingWorker(env, taskQueue, testActivityDependencies(db));
    await worker.runUntil(async () => {
      const { handle, input } = await declare(taskQueue, 1);
      const assessed = await handle.executeUpdate(assessBreachUpdate, { args: [{ by: OPERATOR, affectedTenants: 'all' }] });
      const customers = (await owner.query<{ id: string }>("SELECT id FROM tenants WHERE kind = 'customer' ORDER BY created_at, id")).rows.map((row) => row.id);
      expect(assessed.affectedTenants).toMatchObject({ selection: 'all', tenantIds: customers });
      expect(customers).toContain(before);
      expect(assessed.affectedTenants!.tenantIds).not.toContain(SECURITY_TENANT_ID);

      const after = await insertTenant(owner);
      const later = await handle.query(breachIncidentQuery);
      expect(later.assessment.affectedTenants!.tenantIds).not.toContain(after);
      expect((await handle.query(breachNoticesQuery)).pending).toEqual(customers);

      const reassessed = await handle.executeUpdate(assessBreachUpdate, { args: [{ by: 'operator:carol', affectedTenants: 'all' }] });
      expect(reassessed.affectedTenants!.tenantIds).toContain(after);
      const assessments = (await securityTrail(input.incidentRef)).filter((event) => event.action === 'incident.assessed');
      expect(assessments.map((event) => event.actor)).toEqual([OPERATOR, 'operator:carol']);

      await expect(
        handle.executeUpdate(assessBreachUpdate, { args: [{ by: OPERATOR, affectedTenants: [randomUUID()] }] }),
      ).rejects.toThrow(expect.objectContaining({ cause: expect.objectContaining({ message: expect.stringMatching(/^no such customer tenant/) }) }));
    });
  });
});
