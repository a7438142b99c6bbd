import { ApiProperty } from '@nestjs/swagger';

class JiraDisconnectStepResponse {
  @ApiProperty({ enum: ['sync_schedules_deleted', 'sync_workflow_stopped', 'webhooks_deregistered', 'credential_shredded', 'sync_data_key_shredded'], example: 'webhooks_deregistered' }) step!: string;
  @ApiProperty({ enum: ['done', 'nothing_to_do', 'failed'], example: 'done' }) outcome!: string;
  @ApiProperty({ example: 'deleted webhook(s) 1001 at https://acme.atlassian.net' }) detail!: string;
}

class JiraIssueCleanupFailureResponse {
  @ApiProperty({ description: 'The issue, or * when the issues could not be listed at all', example: 'DEMO-7' }) issueKey!: string;
  @ApiProperty({ example: 'JiraPermissionDenied: issue edit: You do not have permission to perform this operation.' }) reason!: string;
}

/** Disconnect & clean up as it stands: counts, issue keys and step outcomes, never issue content. */
export class JiraDisconnectResponse {
  @ApiProperty({ description: 'The Temporal workflow doing it (search it in the Temporal UI)', example: 'jira-disconnect/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed' }) workflowId!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed', 'terminated', 'canceled', 'timed_out'], example: 'running' }) status!: string;
  @ApiProperty({ enum: ['stopping_sync', 'cleaning_issues', 'shredding', 'unlinking_tickets', 'done'], example: 'cleaning_issues' }) phase!: string;
  @ApiProperty({ description: 'Jira issues Custodian touched (linked, or carrying its label or property)', example: 240 }) total!: number;
  @ApiProperty({ description: 'Issues with no Custodian marker left', example: 120 }) cleaned!: number;
  @ApiProperty({ description: 'Issues deleted in Jira meanwhile: skipped, not an error', example: 1 }) skipped!: number;
  @ApiProperty({ type: [JiraIssueCleanupFailureResponse] }) failures!: JiraIssueCleanupFailureResponse[];
  @ApiProperty({ type: [JiraDisconnectStepResponse], description: 'Stopping the sync, deleting the webhooks, shredding the credential and data key' }) steps!: JiraDisconnectStepResponse[];
  @ApiProperty({ description: 'Custodian tickets marked unlinked (they stay)', example: 0 }) ticketsUnlinked!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Where the Jira admin revokes the app at Atlassian (no API revokes the grant); set when done',
    example: 'Atlassian has no API to revoke a Jira grant: the Jira admin who connected Custodian removes it at https://id.atlassian.com/manage-profile/apps, or a site admin under the site\'s administration, "Connected apps".',
  })
  revokeAppAt!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) finishedAt!: string | null;
}
