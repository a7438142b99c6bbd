import { ApiProperty } from '@nestjs/swagger';

const ASSESSMENT_EXAMPLE = {
  affectedTenants: { selection: 'list', tenantIds: ['0f8fad5b-d9cb-469f-a165-70867728950e'], resolvedAt: '2026-11-20T12:00:00.000Z' },
  dataCategories: ['contact details'],
  notifiable: true,
  containment: 'contained',
  approximateDataSubjects: 120,
  approximateRecords: 480,
  likelyConsequences: 'Phishing aimed at the affected clients',
  measuresTaken: 'The report link was revoked and access logs were reviewed',
};

export class DeclaredIncidentResponse {
  @ApiProperty({ example: 'IR-000042' }) incidentRef!: string;
  @ApiProperty({ example: 'breach-notification-IR-000042' }) workflowId!: string;
  @ApiProperty({ format: 'date-time', description: 'T0', example: '2026-11-20T08:30:00.000Z' }) awarenessAt!: string;
  @ApiProperty({ format: 'date-time', description: 'T0 + 72 h', example: '2026-11-23T08:30:00.000Z' }) deadline!: string;
}

/** The incident as its breach notification workflow holds it. */
export class IncidentResponse {
  @ApiProperty({ example: 'IR-000042' }) incidentRef!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-20T08:30:00.000Z' }) awarenessAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:30:00.000Z' }) deadline!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-20T09:00:00.000Z' }) declaredAt!: string;
  @ApiProperty({ example: 'operator:oncall' }) declaredBy!: string;
  @ApiProperty({ example: 'incident-owner@custodian.example' }) ownerEmail!: string;
  @ApiProperty({ example: 'An exported report with client names was reachable without sign-in' }) description!: string;
  @ApiProperty({ type: [String], example: ['contact details', 'tax identifiers'] }) suspectedDataCategories!: string[];
  @ApiProperty({ enum: ['assessing', 'notifying', 'notified', 'closed'], example: 'assessing' }) phase!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'affectedTenants, dataCategories, notifiable, containment, approximate subjects and records, likely consequences, measures taken',
    example: ASSESSMENT_EXAMPLE,
  })
  assessment!: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ by: 'operator:dpo', at: '2026-11-21T10:00:00.000Z' }] }) approvals!: unknown[];
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, example: null }) delayReason!: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) deadlineMissedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) completedAt!: string | null;
  @ApiProperty({ nullable: true, enum: ['notified_on_time', 'notified_late', 'closed_not_notifiable'], example: null }) outcome!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, example: null }) closure!: Record<string, unknown> | null;
}

class TimeRemainingResponse {
  @ApiProperty({ format: 'date-time', example: '2026-11-20T08:30:00.000Z' }) awarenessAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:30:00.000Z' }) deadline!: string;
  @ApiProperty({ description: 'Until the deadline (from completion once completed); negative when past it', example: 151_200_000 }) timeRemainingMs!: number;
  @ApiProperty({ example: false }) deadlineMissed!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) completedAt!: string | null;
}

class NoticesResponse {
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ tenantId: '0f8fad5b-d9cb-469f-a165-70867728950e', deliveredAt: '2026-11-21T10:01:00.000Z', channel: 'smtp' }] })
  notified!: unknown[];
  @ApiProperty({ type: [String], description: 'Tenant ids still to be notified', example: ['6ba7b810-9dad-11d1-80b4-00c04fd430c8'] }) pending!: string[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [] }) failed!: unknown[];
  @ApiProperty({ type: 'object', additionalProperties: true, example: { status: 'pending', deliveredAt: null, channel: null, failure: null } }) regulator!: Record<string, unknown>;
}

class TimelineEntryResponse {
  @ApiProperty({ format: 'date-time', example: '2026-11-20T09:00:00.000Z' }) at!: string;
  @ApiProperty({ example: 'declared' }) event!: string;
  @ApiProperty({ nullable: true, type: String, example: 'operator:oncall' }) by!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { suspectedDataCategories: ['contact details'] } }) details!: Record<string, unknown>;
}

export class IncidentStatusResponse {
  @ApiProperty({ type: IncidentResponse }) incident!: IncidentResponse;
  @ApiProperty({ type: TimeRemainingResponse }) timeRemaining!: TimeRemainingResponse;
  @ApiProperty({ type: NoticesResponse }) notices!: NoticesResponse;
  @ApiProperty({ type: [TimelineEntryResponse] }) timeline!: TimelineEntryResponse[];
}
