import { ApiProperty } from '@nestjs/swagger';

class SyncSiteResponse {
  @ApiProperty({ example: '1324a887-45db-1bf4-1e99-ef0ff456d421' }) cloudId!: string;
  @ApiProperty({ example: 'https://acme.atlassian.net' }) url!: string;
  @ApiProperty({ nullable: true, type: String, example: 'acme' }) name!: string | null;
}

class SyncWorkflowResponse {
  @ApiProperty({ example: 'jira-sync-0f8fad5b-d9cb-469f-a165-70867728950e' }) id!: string;
  @ApiProperty({ example: true }) running!: boolean;
}

class SyncErrorResponse {
  @ApiProperty({ example: 'Jira answered 429 Too Many Requests; retrying' }) message!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T07:55:00.000Z' }) at!: string;
}

class SyncCountsResponse {
  @ApiProperty({ example: 36 }) issuesLinked!: number;
  @ApiProperty({ example: 1 }) conflicts!: number;
  @ApiProperty({ example: 0 }) failures!: number;
}

/** The tenant's Jira sync at a glance. */
export class JiraSyncStatusResponse {
  @ApiProperty({ description: 'A site is chosen and the grant is active', example: true }) connected!: boolean;
  @ApiProperty({
    nullable: true,
    enum: ['active', 'needs_reconsent'],
    description: 'The Jira grant: needs_reconsent once Atlassian refused it (the sync stops until an admin connects again); null when never connected',
    example: 'active',
  })
  integrationStatus!: string | null;
  @ApiProperty({ nullable: true, type: SyncSiteResponse }) site!: SyncSiteResponse | null;
  @ApiProperty({ nullable: true, type: String, description: 'Jira changes up to this time are synced', example: '2026-12-01T07:59:30.000Z' }) watermark!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-12-31T08:00:00.000Z' }) webhooksExpireAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Pairs waiting or being synced; null when the workflow is not running', example: 0 }) backlog!: number | null;
  @ApiProperty({ type: SyncWorkflowResponse }) workflow!: SyncWorkflowResponse;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-12-01T07:59:31.000Z' }) lastSuccessAt!: string | null;
  @ApiProperty({ nullable: true, type: SyncErrorResponse }) lastError!: SyncErrorResponse | null;
  @ApiProperty({ type: SyncCountsResponse }) counts!: SyncCountsResponse;
}

export class WebhookAcceptedResponse {
  @ApiProperty({ example: true }) accepted!: boolean;
}
