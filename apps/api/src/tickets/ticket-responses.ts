import { ApiProperty } from '@nestjs/swagger';
import { TICKET_CHANGE_SOURCES, TICKET_EDITABLE_FIELDS, TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../../../../libs/contracts';

/** The reference shapes of the ticket routes' answers (TicketView and its relatives), with examples. */
export class TicketResponse {
  @ApiProperty({ format: 'uuid', example: '3f1c2a8e-6b1d-4e55-9a7b-0c2d4e6f8a10' }) id!: string;
  @ApiProperty({ description: 'The human reference, unique per tenant', example: 'CT-000042' }) ref!: string;
  @ApiProperty({ enum: TICKET_TYPES, example: 'password_reset' }) type!: string;
  @ApiProperty({ enum: TICKET_STATUSES, example: 'triaged' }) status!: string;
  @ApiProperty({ example: 'Reset password for jane@example.com' }) summary!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Locked out after the holidays' }) description!: string | null;
  @ApiProperty({ enum: TICKET_PRIORITIES, example: 'normal' }) priority!: string;
  @ApiProperty({ description: 'The API key name that opened it, or the Jira reporter', example: 'helpdesk' }) requester!: string;
  @ApiProperty({ nullable: true, type: String, example: 'agent@example.com' }) assignee!: string | null;
  @ApiProperty({ example: 'ticket-intake-3f1c2a8e-6b1d-4e55-9a7b-0c2d4e6f8a10' }) workflowId!: string;
  @ApiProperty({ description: 'Bumped on every change of an editable field; also the ETag', example: 1 }) version!: number;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:01.000Z' }) updatedAt!: string;
}

class TicketWorkflowResponse {
  @ApiProperty({ example: 'ticket-intake-3f1c2a8e-6b1d-4e55-9a7b-0c2d4e6f8a10' }) id!: string;
  @ApiProperty({ description: "Temporal's execution status, or UNKNOWN when Temporal cannot be reached", example: 'RUNNING' }) status!: string;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: "The intake workflow's own state; null when it could not answer in time",
    example: { step: 'triaged', ticketStatus: 'triaged', history: [{ step: 'received', at: '2026-12-01T08:00:00.000Z' }, { step: 'triaged', at: '2026-12-01T08:00:01.000Z' }] },
  })
  state!: unknown;
}

export class TicketWithWorkflowResponse extends TicketResponse {
  @ApiProperty({ type: TicketWorkflowResponse }) workflow!: TicketWorkflowResponse;
}

export class TicketFieldChangeResponse {
  @ApiProperty({ enum: TICKET_EDITABLE_FIELDS, example: 'status' }) field!: string;
  @ApiProperty({ description: 'The ticket version this change made', example: 2 }) version!: number;
  @ApiProperty({ enum: TICKET_CHANGE_SOURCES, example: 'custodian' }) source!: string;
  @ApiProperty({ example: 'api-key:helpdesk' }) actor!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:15:00.000Z' }) changedAt!: string;
}

export class TicketCommentResponse {
  @ApiProperty({ format: 'uuid', example: '9b2e7c1a-55f0-4d8e-8a61-2c4b6d8e0f12' }) id!: string;
  @ApiProperty({ description: "An API key's name, a workflow, or the Jira user", example: 'helpdesk' }) author!: string;
  @ApiProperty({ nullable: true, type: String, example: null }) authorEmail!: string | null;
  @ApiProperty({ example: 'Called the user; reset requested.' }) body!: string;
  @ApiProperty({ enum: TICKET_CHANGE_SOURCES, example: 'custodian' }) source!: string;
  @ApiProperty({ nullable: true, type: String, description: "Jira's comment id once linked", example: '10023' }) externalId!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:20:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When its text was last changed; null if never', example: null }) editedAt!: string | null;
}

export class TicketAttachmentResponse {
  @ApiProperty({ format: 'uuid', example: '5d4c3b2a-1908-4f7e-8d6c-5b4a39281706' }) id!: string;
  @ApiProperty({ example: 'screenshot.png' }) fileName!: string;
  @ApiProperty({ example: 'image/png' }) contentType!: string;
  @ApiProperty({ example: 48213 }) sizeBytes!: number;
  @ApiProperty({ description: "SHA-256 of the file's bytes (hex)", example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256!: string;
  @ApiProperty({ enum: TICKET_CHANGE_SOURCES, example: 'custodian' }) source!: string;
  @ApiProperty({ nullable: true, type: String, description: "Jira's attachment id once linked", example: null }) externalId!: string | null;
  @ApiProperty({ example: 'api-key:helpdesk' }) uploadedBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:25:00.000Z' }) createdAt!: string;
}
