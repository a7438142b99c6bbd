import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const BREACH_NOTIFICATION_WORKFLOW = 'breachNotificationWorkflow';

export function breachNotificationWorkflowId(incidentRef: string): string {
  return `breach/${incidentRef}`;
}

/** Human-readable incident references: IR-000042. */
export function formatIncidentRef(incidentNumber: number): string {
  return `IR-${String(incidentNumber).padStart(6, '0')}`;
}

export const INCIDENT_REF_PATTERN = /^IR-\d{6,}$/;

const HOUR_MS = 60 * 60 * 1000;

/** GDPR Art. 33(1): notify within 72 hours of becoming aware of the breach (T0), not of declaring it. */
export const BREACH_NOTIFICATION_DEADLINE_MS = 72 * HOUR_MS;
/** Reminders to the incident owner and the escalation contact while notifications are outstanding. */
export const BREACH_ESCALATION_OFFSETS_MS = [24 * HOUR_MS, 48 * HOUR_MS, 60 * HOUR_MS] as const;
/** After a missed deadline, escalation repeats this often until the notifications are done. */
export const BREACH_OVERDUE_ESCALATION_INTERVAL_MS = 12 * HOUR_MS;

export const CONTAINMENT_STATUSES = ['unknown', 'ongoing', 'contained', 'resolved'] as const;
export type ContainmentStatus = (typeof CONTAINMENT_STATUSES)[number];

export interface BreachNotificationInput {
  incidentRef: string;
  /** T0: when the platform became aware of the breach (ISO); may be before the declaration. */
  awarenessAt: string;
  declaredAt: string;
  /** The declaring operator, as the audit trail names them. */
  declaredBy: string;
  /** Receives the escalation reminders, with the configured escalation contact. */
  ownerEmail: string;
  description: string;
  suspectedDataCategories: string[];
}

/** Explicit tenant ids, or every customer tenant as listed at the moment the assessment arrives. */
export type AffectedTenantSelection = 'all' | string[];

/** A change to the assessment: only the fields given change. */
export interface BreachAssessmentRequest {
  by: string;
  affectedTenants?: AffectedTenantSelection;
  dataCategories?: string[];
  /** Whether the breach is likely to result in a risk to individuals, so notices are required. */
  notifiable?: boolean;
  containment?: ContainmentStatus;
  approximateDataSubjects?: number;
  approximateRecords?: number;
  likelyConsequences?: string;
  measuresTaken?: string;
}

export interface BreachAssessment {
  affectedTenants: { selection: 'all' | 'list'; tenantIds: string[]; resolvedAt: string } | null;
  dataCategories: string[];
  notifiable: boolean | null;
  containment: ContainmentStatus;
  approximateDataSubjects: number | null;
  approximateRecords: number | null;
  likelyConsequences: string | null;
  measuresTaken: string | null;
}

export interface BreachApprovalRequest {
  by: string;
  /** Required once the deadline has passed and no reason was given before (Art. 33(1)). */
  delayReason?: string;
}

export interface BreachDelayReasonRequest {
  by: string;
  reason: string;
}

export interface BreachClosureRequest {
  by: string;
  reason: string;
}

export type BreachPhase = 'assessing' | 'notifying' | 'notified' | 'closed';
export type BreachOutcome = 'notified_on_time' | 'notified_late' | 'closed_not_notifiable';

export interface BreachIncidentView {
  incidentRef: string;
  awarenessAt: string;
  deadline: string;
  declaredAt: string;
  declaredBy: string;
  ownerEmail: string;
  description: string;
  suspectedDataCategories: string[];
  phase: BreachPhase;
  assessment: BreachAssessment;
  approvals: { by: string; at: string }[];
  delayReason: { by: string; at: string; reason: string } | null;
  deadlineMissedAt: string | null;
  completedAt: string | null;
  outcome: BreachOutcome | null;
  closure: { by: string; at: string; reason: string } | null;
}

export type NoticeStatus = 'pending' | 'delivered' | 'failed';

export interface NoticeProgress {
  status: NoticeStatus;
  /** Evidence: when the notifier delivered it (its delivery record's time). */
  deliveredAt: string | null;
  channel: 'outbox' | 'smtp' | null;
  failure: string | null;
}

export interface BreachNoticesView {
  notified: { tenantId: string; deliveredAt: string; channel: 'outbox' | 'smtp' }[];
  pending: string[];
  failed: { tenantId: string; reason: string }[];
  regulator: NoticeProgress;
}

export interface BreachTimeRemaining {
  awarenessAt: string;
  deadline: string;
  /** Until the deadline from now, or from completion once completed; negative when past it. */
  timeRemainingMs: number;
  deadlineMissed: boolean;
  completedAt: string | null;
}

export interface BreachTimelineEntry {
  /** Workflow time of the event (ISO). */
  at: string;
  event: string;
  by: string | null;
  details: Record<string, unknown>;
}

export interface BreachNotificationResult {
  outcome: BreachOutcome;
  deadline: string;
  completedAt: string;
  deadlineMissedAt: string | null;
}

export const assessBreachUpdate = defineUpdate<BreachAssessment, [BreachAssessmentRequest]>('assessBreach');
export const approveBreachNotificationsUpdate = defineUpdate<{ approvalRound: number }, [BreachApprovalRequest]>(
  'approveBreachNotifications',
);
export const explainBreachDelayUpdate = defineUpdate<void, [BreachDelayReasonRequest]>('explainBreachDelay');
export const closeBreachIncidentUpdate = defineUpdate<void, [BreachClosureRequest]>('closeBreachIncident');

export const breachIncidentQuery = defineQuery<BreachIncidentView>('breachIncident');
export const breachTimeRemainingQuery = defineQuery<BreachTimeRemaining>('breachTimeRemaining');
export const breachNoticesQuery = defineQuery<BreachNoticesView>('breachNotices');
export const breachTimelineQuery = defineQuery<BreachTimelineEntry[]>('breachTimeline');

/** What a breach notice says: the content GDPR Art. 33(3) expects, built from the approved assessment. */
export interface BreachNoticeContent {
  incidentRef: string;
  awarenessAt: string;
  deadline: string;
  /** The nature of the breach. */
  description: string;
  dataCategories: string[];
  approximateDataSubjects: number | null;
  approximateRecords: number | null;
  likelyConsequences: string;
  measuresTaken: string;
  containment: ContainmentStatus;
  /** Art. 33(1): the reasons for a notification made after the 72 hours. */
  delayReason: string | null;
}

export interface NoticeReceipt {
  deliveredAt: string;
  channel: 'outbox' | 'smtp';
}

export interface IncidentEvent {
  incidentRef: string;
  /** Deterministic per workflow event, so a retried write records the event once. */
  eventKey: string;
  /** Dotted audit action, e.g. incident.assessed. */
  action: string;
  actor: string;
  outcome: 'success' | 'failure';
  details: Record<string, unknown>;
  /** Also written to this tenant's own trail (e.g. a notice that could not reach it). */
  tenantId?: string;
}

export type EscalationReason = 'declared' | 'reminder' | 'deadline_missed' | 'overdue';

export interface IncidentEscalation {
  incidentRef: string;
  /** Numbers the escalations of one incident; part of the delivery key. */
  sequence: number;
  reason: EscalationReason;
  ownerEmail: string;
  awarenessAt: string;
  deadline: string;
  /** At the time of the escalation, in workflow time; negative past the deadline. */
  timeRemainingMs: number;
  /** What is still open, in words, e.g. "approval of the notices". */
  outstanding: string[];
}

/** What the activities the breach notification workflow calls must provide. */
export interface BreachActivities {
  resolveAffectedTenants(selection: AffectedTenantSelection): Promise<{ tenantIds: string[]; unknownTenantIds: string[] }>;
  recordIncidentEvent(event: IncidentEvent): Promise<void>;
  sendIncidentEscalation(escalation: IncidentEscalation): Promise<NoticeReceipt>;
  /** To the tenant's notice contacts, recorded and audited in that tenant's context. */
  sendTenantBreachNotice(input: { tenantId: string; content: BreachNoticeContent }): Promise<NoticeReceipt>;
  /** The Art. 33(3) record for the supervisory authority, to the configured regulator notice recipients. */
  sendRegulatorBreachNotice(content: BreachNoticeContent): Promise<NoticeReceipt>;
}
