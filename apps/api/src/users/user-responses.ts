import { ApiProperty } from '@nestjs/swagger';
import { TENANT_ROLES } from '../auth/principal';

export class TenantUserResponse {
  @ApiProperty({ format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }) id!: string;
  @ApiProperty({ example: 'sam@acme-cpa.example' }) email!: string;
  @ApiProperty({ example: 'Sam Rivera' }) displayName!: string;
  @ApiProperty({ enum: TENANT_ROLES, example: 'agent' }) role!: string;
  @ApiProperty({ enum: ['invited', 'active', 'locked', 'deactivated'], example: 'active', description: 'locked: refused until lockedUntil or an admin unlocks' })
  status!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) lockedUntil!: string | null;
  @ApiProperty({ example: false }) otpEnabled!: boolean;
  @ApiProperty({ example: 'user:dana@acme-cpa.example' }) createdBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' }) createdAt!: string;
}

export class InvitationResponse {
  @ApiProperty({ type: TenantUserResponse }) user!: TenantUserResponse;
  @ApiProperty({
    example: '0f8fad5b-d9cb-469f-a165-70867728950e.q3Vb3v0m1m3S7cJq6m8uGv1f0uYx6mYQ0a3d1xq2Zs0',
    description: 'Put into the invitation link; shown in this answer only, usable once, for 72 hours',
  })
  invitationToken!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-04T08:00:00.000Z' }) expiresAt!: string;
}

export class AcceptedInvitationResponse {
  @ApiProperty({ type: TenantUserResponse }) user!: TenantUserResponse;
  @ApiProperty({ example: 'acme-cpa', description: 'The tenant slug to sign in with' }) tenant!: string;
}

export class SignInPolicyResponse {
  @ApiProperty({ example: false }) requireOtp!: boolean;
}

export class SupportAccessGrantResponse {
  @ApiProperty({ format: 'uuid', example: '9b2d3f4e-1c2a-4b5d-8e6f-7a8b9c0d1e2f' }) id!: string;
  @ApiProperty({ example: 'oncall-alex', description: 'The operator key the grant is for' }) operator!: string;
  @ApiProperty({ example: 'Ticket ACME-42: password reset stuck in approval' }) reason!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:00:00.000Z' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T10:00:00.000Z' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) endedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) endedBy!: string | null;
  @ApiProperty({ example: true }) active!: boolean;
}
