import { ApiProperty } from '@nestjs/swagger';

/** What a reporter gets back at once. */
export class SecurityReportReceiptResponse {
  @ApiProperty({ description: "The triage ticket's reference; quote it in any follow-up", example: 'CT-000311' }) ref!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'By when the security team acknowledges it', example: '2026-12-03T08:00:00.000Z' }) acknowledgementDueAt!: string;
}

export class ReportAcknowledgementResponse {
  @ApiProperty({ example: 'operator:security-oncall' }) by!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T15:00:00.000Z' }) at!: string;
  @ApiProperty({ description: 'Whether it came before acknowledgementDueAt', example: true }) onTime!: boolean;
}

class SecurityReportWorkflowResponse {
  @ApiProperty({ example: 'vulnerability-report-CT-000311' }) id!: string;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'Reminders and escalations sent, the deadline missed, the acknowledgement; null when the workflow could not answer',
    example: { ticketRef: 'CT-000311', receivedAt: '2026-12-01T08:00:00.000Z', acknowledgementDueAt: '2026-12-03T08:00:00.000Z', remindersSentAt: [], overdueRecordedAt: null, escalationsSentAt: [], acknowledgement: null },
  })
  state!: Record<string, unknown> | null;
}

export class SecurityReportResponse extends SecurityReportReceiptResponse {
  @ApiProperty({ format: 'uuid', example: 'a8098c1a-f86e-11da-bd1a-00112444be1e' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '3f1c2a8e-6b1d-4e55-9a7b-0c2d4e6f8a10' }) ticketId!: string;
  @ApiProperty({ example: 'new' }) ticketStatus!: string;
  @ApiProperty({ example: 'Stored XSS in the ticket summary' }) summary!: string;
  @ApiProperty({ nullable: true, type: String, example: 'A ticket summary of <img src=x onerror=alert(1)> runs script on the tenant page.' }) details!: string | null;
  @ApiProperty({ example: 'researcher@example.org' }) reporterEmail!: string;
  @ApiProperty({ nullable: true, type: String, example: 'A. Researcher' }) reporterName!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'https://api.custodian.example/v1/tickets' }) affectedAsset!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) acknowledgedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) acknowledgementOverdueAt!: string | null;
  @ApiProperty({ type: SecurityReportWorkflowResponse }) workflow!: SecurityReportWorkflowResponse;
}
