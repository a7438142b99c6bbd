import { ApiProperty } from '@nestjs/swagger';

/** A tenant deletion as its workflow holds it. */
export class TenantDeletionResponse {
  @ApiProperty({ example: 'tenant-deletion-0f8fad5b-d9cb-469f-a165-70867728950e' }) workflowId!: string;
  @ApiProperty({ enum: ['pending', 'cancelled', 'deleting', 'deleted'], example: 'pending' }) phase!: string;
  @ApiProperty({ example: 'api-key:admin' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When deletion starts: the end of the 7-day grace period', example: '2026-12-08T08:00:00.000Z' }) scheduledAt!: string;
  @ApiProperty({ description: "Until the grace period ends, by this server's clock; 0 once it has ended", example: 604_800_000 }) remainingMs!: number;
  @ApiProperty({ nullable: true, type: String, example: null }) cancelledBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) cancelledAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'While deleting: the table being emptied', example: null }) currentTable!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) completedAt!: string | null;
}

/** The tombstone of a deleted tenant: the only record that outlives it. */
export class DeletionCertificateResponse {
  @ApiProperty({ format: 'uuid', example: '0f8fad5b-d9cb-469f-a165-70867728950e' }) tenantId!: string;
  @ApiProperty({ enum: ['in_progress', 'completed'], example: 'completed' }) status!: string;
  @ApiProperty({ example: 'acme-cpa' }) tenantSlug!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-08T08:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-12-08T08:00:09.000Z' }) completedAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Rows deleted per table', example: { tickets: 42, api_keys: 3, audit_events: 1284 } })
  deletedRows!: Record<string, number>;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'The certificate once completed: who asked and when, rows per table, data keys destroyed, workflows stopped, token revocations',
    example: {
      tenantId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      tenantSlug: 'acme-cpa',
      requestedBy: 'api-key:admin',
      requesterEmail: 'jane@acme.example',
      requestedAt: '2026-12-01T08:00:00.000Z',
      scheduledAt: '2026-12-08T08:00:00.000Z',
      deletionStartedAt: '2026-12-08T08:00:00.000Z',
      completedAt: '2026-12-08T08:00:09.000Z',
      deletedRows: { tickets: 42, api_keys: 3, audit_events: 1284 },
      totalRows: 1329,
      dataKeysDestroyed: 2,
      stoppedWorkflows: ['jira-sync-0f8fad5b-d9cb-469f-a165-70867728950e'],
      tokenRevocations: [{ provider: 'google', outcome: 'revoked' }],
      workflowId: 'tenant-deletion-0f8fad5b-d9cb-469f-a165-70867728950e',
    },
  })
  certificate!: Record<string, unknown> | null;
}
