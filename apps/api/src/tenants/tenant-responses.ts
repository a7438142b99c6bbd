import { ApiProperty } from '@nestjs/swagger';
import { IssuedApiKeyResponse } from '../auth/api-key-responses';
import { TENANT_ROLES } from '../auth/principal';

export class TenantResponse {
  @ApiProperty({ format: 'uuid', example: '0f8fad5b-d9cb-469f-a165-70867728950e' }) id!: string;
  @ApiProperty({ example: 'acme-cpa' }) slug!: string;
  @ApiProperty({ example: 'Acme CPA LLP' }) name!: string;
  @ApiProperty({ enum: ['active', 'pending_deletion'], example: 'active' }) status!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' }) createdAt!: string;
}

export class CreatedTenantResponse {
  @ApiProperty({ type: TenantResponse }) tenant!: TenantResponse;
  @ApiProperty({ type: IssuedApiKeyResponse, description: 'The first admin key; shown in this response only' }) adminApiKey!: IssuedApiKeyResponse;
}

class CallerResponse {
  @ApiProperty({ example: 'helpdesk' }) keyName!: string;
  @ApiProperty({ enum: TENANT_ROLES, example: 'admin' }) role!: string;
}

/** The caller's own tenant as its key sees it. */
export class CurrentTenantResponse extends TenantResponse {
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When pending deletion: when it will be deleted', example: null }) deletionScheduledAt!: string | null;
  @ApiProperty({ type: CallerResponse }) caller!: CallerResponse;
}
