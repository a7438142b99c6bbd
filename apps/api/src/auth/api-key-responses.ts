import { ApiProperty } from '@nestjs/swagger';
import { TENANT_ROLES } from './principal';

/** An API key as listed: never the key itself. */
export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }) id!: string;
  @ApiProperty({ example: 'helpdesk' }) name!: string;
  @ApiProperty({ enum: TENANT_ROLES, example: 'agent' }) role!: string;
  @ApiProperty({ description: 'The first characters of the key, to recognise it', example: 'ck_0f8fad5bd9cb469fa16570867728950e_Zm9vYm…' }) prefix!: string;
  @ApiProperty({ example: 'api-key:admin' }) createdBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) revokedAt!: string | null;
}

/** A key just issued: the only answer that carries the key. */
export class IssuedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'The key; shown in this response only', example: 'ck_0f8fad5bd9cb469fa16570867728950e_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5' }) key!: string;
}
