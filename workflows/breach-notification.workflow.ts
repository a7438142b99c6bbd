import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import {
  approveBreachNotificationsUpdate,
  assessBreachUpdate,
  BREACH_ESCALATION_OFFSETS_MS,
  BREACH_NOTIFICATION_DEADLINE_MS,
  BREACH_OVERDUE_ESCALATION_INTERVAL_MS,
  breachIncidentQuery,
  breachNoticesQuery,
  breachTimelineQuery,
  breachTimeRemainingQuery,
  closeBreachIncidentUpdate,
  CONTAINMENT_STATUSES,
  explainBreachDelayUpdate,
  type BreachActivities,
  type BreachAssessmentRequest,
  type BreachIncidentView,
  type BreachNoticeContent,
  type BreachNotificationInput,
  type BreachNotificationResult,
  type BreachTimelineEntry,
  type EscalationReason,
  type NoticeProgress,
  type NoticeReceipt,
} from '../libs/contracts';

// Audit writes and the tenant lookup: database work, quick when healthy. Retried without a limit: the incident
// cannot go on without its evidence, and a database outage ends (the attempts show in the Web UI meanwhile).
const records = proxyActivities<Pick<BreachActivities, 'recordIncidentEvent' | 'resolveAffectedTenants'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['InvalidTenantIdError'] },
});

// Sends: a mail server may be down for a while, so about an hour of backoff before a notice counts as failed
// (escalation goes on meanwhile, and an operator's re-approval retries it). A bad address, a tenant without
// notice contacts or a tenant that no longer exists will not fix itself: those fail at once.
const notices = proxyActivities<Pick<BreachActivities, 'sendIncidentEscalation' | 'sendTenantBreachNotice' | 'sendRegulatorBreachNotice'>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['InvalidNotice', 'TenantHasNoNoticeContacts', 'TenantNotFound'],
  },
});

const HOUR_MS = 60 * 60 * 1000;
const ACTOR = 'workflow:breach-notification';

/**
 * A personal data breach from declaration to notification. The deadline is 72 h after awareness (T0).
 * Operators assess it and approve the notices through Updates; once approved, each affected tenant's
 * admins get a notice and the supervisory authority's record is prepared, each send audited with its
 * delivery time as evidence. The owner and the escalation contact are reminded at T0+24/48/60 h while
 * anything is outstanding; a missed deadline is recorded with the reason given and escalated every 12 h.
 */
export async function breachNotificationWorkflow(input: BreachNotificationInput): Promise<BreachNotificationResult> {
  const awarenessMs = Date.parse(input.awarenessAt);
  const deadlineMs = awarenessMs + BREACH_NOTIFICATION_DEADLINE_MS;
  const iso = (ms: number) => new Date(ms).toISOString();
  const incident: BreachIncidentView = {
    incidentRef: input.incidentRef,
    awarenessAt: input.awarenessAt,
    deadline: iso(deadlineMs),
    declaredAt: input.declaredAt,
    declaredBy: input.declaredBy,
    ownerEmail: input.ownerEmail,
    description: input.description,
    suspectedDataCategories: input.suspectedDataCategories,
    phase: 'assessing',
    assessment: {
      affectedTenants: null,
      dataCategories: [...input.suspectedDataCategories],
      notifiable: null,
      containment: 'unknown',
      approximateDataSubjects: null,
      approximateRecords: null,
      likelyConsequences: null,
      measuresTaken: null,
    },
    approvals: [],
    delayReason: null,
    deadlineMissedAt: null,
    completedAt: null,
    outcome: null,
    closure: null,
  };
  let tenantNotices: { tenantId: string; progress: NoticeProgress }[] = [];
  const regulatorNotice: NoticeProgress = pendingNotice();
  const timeline: BreachTimelineEntry[] = [];
  let eventCount = 0;
  let escalationCount = 0;
  let approvalRound = 0;
  let sending = false;
  const finished = () => incident.outcome !== null;

  /** Adds to the timeline and the platform's audit trail (and a tenant's, when it concerns one). */
  const record = async (
    event: string,
    by: string | null,
    details: Record<string, unknown>,
    options: { outcome?: 'success' | 'failure'; tenantId?: string } = {},
  ) => {
    const at = iso(Date.now());
    timeline.push({ at, event, by, details });
    eventCount += 1;
    await records.recordIncidentEvent({
      incidentRef: input.incidentRef,
      eventKey: `${input.incidentRef}/event/${eventCount}`,
      action: `incident.${event}`,
      actor: by ?? ACTOR,
      outcome: options.outcome ?? 'success',
      details: { ...details, workflowTime: at },
      ...(options.tenantId ? { tenantId: options.tenantId } : {}),
    });
  };

  const outstanding = (): string[] => {
    const open: string[] = [];
    const assessment = incident.assessment;
    if (assessment.notifiable === null || (assessment.notifiable && !assessment.affectedTenants)) {
      open.push('assessment (affected tenants, notifiable)');
    }
    if (assessment.notifiable === false) open.push('closure of the incident as not notifiable');
    if (assessment.notifiable === true && incident.approvals.length === 0) open.push('approval of the notices');
    const unsent = tenantNotices.filter((notice) => notice.progress.status !== 'delivered');
    if (incident.approvals.length > 0 && unsent.length > 0) open.push(`${unsent.length} tenant notice(s)`);
    if (incident.approvals.length > 0 && regulatorNotice.status !== 'delivered') open.push('the regulator notice');
    return open;
  };

  /** A notice to the owner and the escalation contact; one that cannot be sent is recorded, not fatal. */
  const escalate = async (reason: EscalationReason, details: Record<string, unknown> = {}) => {
    escalationCount += 1;
    const sequence = escalationCount;
    const open = outstanding();
    try {
      await notices.sendIncidentEscalation({
        incidentRef: input.incidentRef,
        sequence,
        reason,
        ownerEmail: input.ownerEmail,
        awarenessAt: input.awarenessAt,
        deadline: incident.deadline,
        timeRemainingMs: deadlineMs - Date.now(),
        outstanding: open,
      });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      await record('escalation_failed', null, { reason, sequence, failure: error.cause?.message ?? error.message }, { outcome: 'failure' });
      return;
    }
    timeline.push({ at: iso(Date.now()), event: 'escalation_sent', by: null, details: { reason, sequence, outstanding: open, ...details } });
  };

  /** True when finished by the given time; without waiting when that time has already come. */
  const finishedBy = (atMs: number): Promise<boolean> =>
    atMs <= Date.now() ? Promise.resolve(finished()) : condition(finished, atMs - Date.now());

  setHandler(breachIncidentQuery, () => incident);
  setHandler(breachTimeRemainingQuery, () => ({
    awarenessAt: input.awarenessAt,
    deadline: incident.deadline,
    timeRemainingMs: deadlineMs - (incident.completedAt ? Date.parse(incident.completedAt) : Date.now()),
    deadlineMissed: incident.deadlineMissedAt !== null,
    completedAt: incident.completedAt,
  }));
  setHandler(breachNoticesQuery, () => ({
    notified: tenantNotices
      .filter((notice) => notice.progress.status === 'delivered')
      .map((notice) => ({ tenantId: notice.tenantId, deliveredAt: notice.progress.deliveredAt!, channel: notice.progress.channel! })),
    pending: tenantNotices.filter((notice) => notice.progress.status === 'pending').map((notice) => notice.tenantId),
    failed: tenantNotices
      .filter((notice) => notice.progress.status === 'failed')
      .map((notice) => ({ tenantId: notice.tenantId, reason: notice.progress.failure! })),
    regulator: regulatorNotice,
  }));
  setHandler(breachTimelineQuery, () => timeline);

  setHandler(
    assessBreachUpdate,
    async (request) => {
      let affected = incident.assessment.affectedTenants;
      if (request.affectedTenants !== undefined) {
        const resolved = await records.resolveAffectedTenants(request.affectedTenants);
        if (resolved.unknownTenantIds.length > 0) {
          throw ApplicationFailure.create({
            type: 'UnknownTenants',
            message: `no such customer tenant: ${resolved.unknownTenantIds.join(', ')}`,
          });
        }
        affected = {
          selection: request.affectedTenants === 'all' ? 'all' : 'list',
          tenantIds: resolved.tenantIds,
          resolvedAt: iso(Date.now()),
        };
      }
      // An approval may have arrived while the tenants were being listed.
      const locked = assessmentLockedReason(request);
      if (locked) throw ApplicationFailure.create({ type: 'AssessmentLocked', message: locked });
      const assessment = incident.assessment;
      if (request.affectedTenants !== undefined && affected) {
        assessment.affectedTenants = affected;
        tenantNotices = affected.tenantIds.map((tenantId) => ({ tenantId, progress: pendingNotice() }));
      }
      if (request.dataCategories !== undefined) assessment.dataCategories = [...request.dataCategories];
      if (request.notifiable !== undefined) assessment.notifiable = request.notifiable;
      if (request.containment !== undefined) assessment.containment = request.containment;
      if (request.approximateDataSubjects !== undefined) assessment.approximateDataSubjects = request.approximateDataSubjects;
      if (request.approximateRecords !== undefined) assessment.approximateRecords = request.approximateRecords;
      if (request.likelyConsequences !== undefined) assessment.likelyConsequences = request.likelyConsequences;
      if (request.measuresTaken !== undefined) assessment.measuresTaken = request.measuresTaken;
      const { by, ...changes } = request;
      await record('assessed', by, {
        ...changes,
        ...(affected && request.affectedTenants !== undefined ? { affectedTenants: affected } : {}),
      });
      return assessment;
    },
    { validator: validateAssessment },
  );

  setHandler(
    approveBreachNotificationsUpdate,
    async (request) => {
      if (request.delayReason) {
        incident.delayReason = { by: request.by, at: iso(Date.now()), reason: request.delayReason };
        await record('delay_explained', request.by, { reason: request.delayReason });
      }
      incident.approvals.push({ by: request.by, at: iso(Date.now()) });
      approvalRound += 1;
      const round = approvalRound;
      await record('notifications_approved', request.by, { approvalRound: round });
      return { approvalRound: round };
    },
    {
      validator: (request) => {
        assertOpen();
        if (sending) throw new Error('notices are being sent; wait for the current round to finish');
        const assessment = incident.assessment;
        if (assessment.notifiable !== true) {
          throw new Error('notices can be approved only after an assessment finds the breach notifiable');
        }
        if (!assessment.affectedTenants || assessment.affectedTenants.tenantIds.length === 0) {
          throw new Error('notices can be approved only after the assessment names the affected tenants');
        }
        if (assessment.dataCategories.length === 0 || !assessment.likelyConsequences || !assessment.measuresTaken) {
          throw new Error('the notices need data categories, likely consequences and measures taken (GDPR Art. 33(3)) in the assessment');
        }
        if (Date.now() > deadlineMs && !incident.delayReason && !request.delayReason?.trim()) {
          throw new Error('the 72-hour deadline has passed: give the reason for the delay (GDPR Art. 33(1))');
        }
      },
    },
  );

  setHandler(
    explainBreachDelayUpdate,
    async (request) => {
      incident.delayReason = { by: request.by, at: iso(Date.now()), reason: request.reason };
      await record('delay_explained', request.by, { reason: request.reason });
    },
    {
      validator: (request) => {
        assertOpen();
        if (!request.reason?.trim()) throw new Error('a delay needs a reason');
      },
    },
  );

  setHandler(
    closeBreachIncidentUpdate,
    async (request) => {
      const at = iso(Date.now());
      incident.closure = { by: request.by, at, reason: request.reason };
      incident.phase = 'closed';
      incident.completedAt = at;
      incident.outcome = 'closed_not_notifiable';
      await record('closed', request.by, { reason: request.reason, notifiable: false });
    },
    {
      validator: (request) => {
        assertOpen();
        if (incident.assessment.notifiable !== false) {
          throw new Error('only an incident assessed as not notifiable closes without notices');
        }
        if (!request.reason?.trim()) throw new Error('closing an incident needs a reason');
      },
    },
  );

  function assertOpen(): void {
    if (finished()) throw new Error(`incident ${input.incidentRef} is ${incident.phase}`);
  }

  function assessmentLockedReason(request: BreachAssessmentRequest): string | undefined {
    if (finished()) return `incident ${input.incidentRef} is ${incident.phase}`;
    const { by: _by, containment: _containment, ...locked } = request;
    if (incident.approvals.length > 0 && Object.values(locked).some((value) => value !== undefined)) {
      return 'the notices were approved: only the containment status may change now';
    }
    return undefined;
  }

  function validateAssessment(request: BreachAssessmentRequest): void {
    const locked = assessmentLockedReason(request);
    if (locked) throw new Error(locked);
    if (!request.by) throw new Error('an assessment names who made it');
    const { by: _by, ...fields } = request;
    if (Object.values(fields).every((value) => value === undefined)) throw new Error('an assessment changes at least one field');
    if (request.containment !== undefined && !CONTAINMENT_STATUSES.includes(request.containment)) {
      throw new Error(`containment must be one of ${CONTAINMENT_STATUSES.join(', ')}`);
    }
    if (Array.isArray(request.affectedTenants) && request.affectedTenants.length === 0) {
      throw new Error('affected tenants: name at least one, or "all"');
    }
  }

  const noticeContent = (): BreachNoticeContent => {
    const assessment = incident.assessment;
    return {
      incidentRef: input.incidentRef,
      awarenessAt: input.awarenessAt,
      deadline: incident.deadline,
      description: input.description,
      dataCategories: assessment.dataCategories,
      approximateDataSubjects: assessment.approximateDataSubjects,
      approximateRecords: assessment.approximateRecords,
      likelyConsequences: assessment.likelyConsequences ?? '',
      measuresTaken: assessment.measuresTaken ?? '',
      containment: assessment.containment,
      delayReason: Date.now() > deadlineMs ? (incident.delayReason?.reason ?? null) : null,
    };
  };

  const deliver = async (progress: NoticeProgress, send: () => Promise<NoticeReceipt>, event: string, tenantId?: string) => {
    progress.status = 'pending';
    progress.failure = null;
    try {
      const receipt = await send();
      Object.assign(progress, { status: 'delivered', deliveredAt: receipt.deliveredAt, channel: receipt.channel });
      timeline.push({ at: iso(Date.now()), event: `${event}_notified`, by: null, details: { ...(tenantId ? { tenantId } : {}), ...receipt } });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      progress.status = 'failed';
      progress.failure = error.cause?.message ?? error.message;
      await record(`${event}_notice_failed`, null, { ...(tenantId ? { tenantId } : {}), reason: progress.failure }, { outcome: 'failure', tenantId });
    }
  };

  const notifyWhenApproved = async () => {
    let handledRound = 0;
    while (!finished()) {
      await condition(() => finished() || approvalRound > handledRound);
      if (finished()) return;
      handledRound = approvalRound;
      incident.phase = 'notifying';
      sending = true;
      const content = noticeContent();
      await Promise.all([
        ...tenantNotices
          .filter((notice) => notice.progress.status !== 'delivered')
          .map((notice) =>
            deliver(notice.progress, () => notices.sendTenantBreachNotice({ tenantId: notice.tenantId, content }), 'tenant', notice.tenantId),
          ),
        ...(regulatorNotice.status !== 'delivered'
          ? [deliver(regulatorNotice, () => notices.sendRegulatorBreachNotice(content), 'regulator')]
          : []),
      ]);
      sending = false;
      if (regulatorNotice.status === 'delivered' && tenantNotices.every((notice) => notice.progress.status === 'delivered')) {
        const completedMs = Date.now();
        incident.completedAt = iso(completedMs);
        incident.outcome = completedMs <= deadlineMs ? 'notified_on_time' : 'notified_late';
        incident.phase = 'notified';
        await record('notifications_completed', null, {
          outcome: incident.outcome,
          deadline: incident.deadline,
          tenantsNotified: tenantNotices.length,
        });
      }
    }
  };

  const escalateUntilFinished = async () => {
    for (const offset of BREACH_ESCALATION_OFFSETS_MS) {
      const at = awarenessMs + offset;
      if (at <= Date.now()) continue;
      if (await finishedBy(at)) return;
      await escalate('reminder', { dueAfterAwareness: `T0+${offset / HOUR_MS}h` });
    }
    if (await finishedBy(deadlineMs)) return;
    incident.deadlineMissedAt = iso(Date.now());
    await record(
      'deadline_missed',
      null,
      { deadline: incident.deadline, delayReason: incident.delayReason?.reason ?? null, outstanding: outstanding() },
      { outcome: 'failure' },
    );
    await escalate('deadline_missed');
    let next = Math.max(deadlineMs, Date.now()) + BREACH_OVERDUE_ESCALATION_INTERVAL_MS;
    while (!(await finishedBy(next))) {
      await escalate('overdue');
      next += BREACH_OVERDUE_ESCALATION_INTERVAL_MS;
    }
  };

  await record('declared', input.declaredBy, {
    awarenessAt: input.awarenessAt,
    deadline: incident.deadline,
    ownerEmail: input.ownerEmail,
    suspectedDataCategories: input.suspectedDataCategories,
  });
  await escalate('declared');
  await Promise.all([notifyWhenApproved(), escalateUntilFinished()]);
  await condition(allHandlersFinished);
  return {
    outcome: incident.outcome!,
    deadline: incident.deadline,
    completedAt: incident.completedAt!,
    deadlineMissedAt: incident.deadlineMissedAt,
  };
}

function pendingNotice(): NoticeProgress {
  return { status: 'pending', deliveredAt: null, channel: null, failure: null };
}
