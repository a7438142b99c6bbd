import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STATE_EXAMPLE = {
  step: 'completed',
  signIn: 'google',
  approvalDeadline: null,
  approvedBy: null,
  outcome: null,
  secretId: '0b8f6c2e-3a41-4c7d-9e15-7a2b4c6d8e90',
  history: [
    { step: 'checking_user', at: '2026-12-01T08:00:00.000Z' },
    { step: 'setting_password', at: '2026-12-01T08:00:01.000Z' },
    { step: 'completed', at: '2026-12-01T08:00:02.000Z' },
  ],
};

class GoogleOperationFailureResponse {
  @ApiProperty({ nullable: true, type: String, example: 'GoogleUserNotFound' }) type!: string | null;
  @ApiProperty({ example: 'jane@acme.example is not a user of this Workspace' }) message!: string;
}

class TemporaryPasswordLinkResponse {
  @ApiProperty({ description: 'The one-time link; POST to it shows the password once', example: 'https://custodian.example/v1/secrets/Q2hhbmdlTWVOb3c' }) url!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-02T08:00:02.000Z' }) expiresAt!: string;
}

/** A password reset, account unlock or access change as the API shows it: its workflow's live state. */
export class GoogleOperationResponse {
  @ApiProperty({ enum: ['password-reset', 'account-unlock', 'access-change'], example: 'password-reset' }) kind!: string;
  @ApiProperty({ example: 'CT-000123' }) ticketRef!: string;
  @ApiProperty({ example: 'password-reset-CT-000123-7d1e' }) workflowId!: string;
  @ApiProperty({ description: "Temporal's execution status: RUNNING, COMPLETED, FAILED, ...", example: 'COMPLETED' }) status!: string;
  @ApiProperty({ example: '/v1/password-resets/CT-000123' }) statusUrl!: string;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: "The workflow's state: step, how the user signs in, approval deadline and approver, outcome, the secret's id, history",
    example: STATE_EXAMPLE,
  })
  state!: unknown;
  @ApiProperty({ nullable: true, type: GoogleOperationFailureResponse, example: null }) failure!: GoogleOperationFailureResponse | null;
  @ApiPropertyOptional({
    nullable: true,
    type: TemporaryPasswordLinkResponse,
    description: "Password resets only, while unseen, and only for callers allowed to hand it over (agents and above; for an approved administrator's reset its requester, managers and admins)",
    example: { url: 'https://custodian.example/v1/secrets/Q2hhbmdlTWVOb3c', expiresAt: '2026-12-02T08:00:02.000Z' },
  })
  temporaryPassword?: TemporaryPasswordLinkResponse | null;
}

/** A reset of an administrator that waits for a manager's or admin's approval. */
export class AwaitingApprovalResponse {
  @ApiProperty({ example: 'CT-000123' }) ticketRef!: string;
  @ApiProperty({ example: 'Reset the password of admin@acme.example', nullable: true, type: String, description: "The ticket's summary" }) summary!: string | null;
  @ApiProperty({ example: '/v1/password-resets/CT-000123' }) statusUrl!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-02T08:00:00.000Z', nullable: true, type: String, description: 'When it expires unapproved' })
  approvalDeadline!: string | null;
  @ApiProperty({ example: false, description: 'The caller asked for it, so the caller cannot approve it' }) requestedByYou!: boolean;
}
