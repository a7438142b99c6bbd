import { ApiProperty } from '@nestjs/swagger';

const UP = { database: { status: 'up' }, temporal: { status: 'up' } };

/** Terminus's health report when every dependency is reachable. */
export class HealthResponse {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Each reachable dependency', example: UP }) info!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Each unreachable dependency (empty when ok)', example: {} }) error!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, example: UP }) details!: Record<string, unknown>;
}
