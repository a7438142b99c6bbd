import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The verification of a tenant's hash chain: ok with what was checked, or the first broken seq and why. */
export class ChainVerificationResponse {
  @ApiProperty({ example: true }) ok!: boolean;
  @ApiProperty({ example: 1284 }) checkedEvents!: number;
  @ApiPropertyOptional({ description: 'When ok: the last seq checked', example: 1284 }) lastSeq?: number;
  @ApiPropertyOptional({ description: 'When ok: the hash the chain ends with (hex), null for an empty chain', nullable: true, type: String, example: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c' })
  lastHash?: string | null;
  @ApiPropertyOptional({ description: 'When not ok: the first seq that does not verify', example: 977 }) brokenSeq?: number;
  @ApiPropertyOptional({
    description: 'When not ok: why',
    enum: ['altered', 'missing', 'misordered', 'head_mismatch', 'unsigned_head', 'forged_head', 'forged_checkpoint'],
    example: 'altered',
  })
  reason?: string;
  @ApiPropertyOptional({ description: 'When not ok: what was found', example: 'the hash of seq 977 does not match its contents' }) message?: string;
}

export class AuditEventResponse {
  @ApiProperty({ example: 1284 }) seq!: number;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:02.000Z' }) at!: string;
  @ApiProperty({ example: 'workflow:password-reset' }) actor!: string;
  @ApiProperty({ example: 'google.password_reset' }) action!: string;
  @ApiProperty({ example: 'jane@acme.example' }) target!: string;
  @ApiProperty({ example: 'success' }) outcome!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { ticketRef: 'CT-000123', changePasswordAtNextLogin: true } }) details!: Record<string, unknown>;
  @ApiProperty({ description: "The event's chain hash (hex)", example: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c' }) hash!: string;
}

const TENANT = '0f8fad5b-d9cb-469f-a165-70867728950e';
const HASH = 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c';
const PREV_HASH = '7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730';

/** What an export looks like: the chain head first, then one line per event. */
export const AUDIT_EXPORT_EXAMPLES = {
  jsonl: [
    JSON.stringify({ type: 'chain_head', tenantId: TENANT, lastSeq: 2, lastHash: HASH, lastAt: '2026-12-01T08:00:02.000Z', signature: 'hmac-sha256:…', checkpoint: null, exportedAt: '2026-12-01T09:00:00.000Z', filter: { from: null, to: null, actions: null } }),
    JSON.stringify({ type: 'event', tenantId: TENANT, seq: 2, at: '2026-12-01T08:00:02.000Z', actor: 'workflow:password-reset', action: 'google.password_reset', target: 'jane@acme.example', outcome: 'success', details: { ticketRef: 'CT-000123' }, prevHash: PREV_HASH, hash: HASH }),
    '',
  ].join('\n'),
  csv: [
    'type,tenant_id,seq,at,actor,action,target,outcome,details,prev_hash,hash',
    `chain_head,${TENANT},2,2026-12-01T09:00:00.000Z,,,,,"{""checkpoint"":null,""filter"":{""from"":null,""to"":null,""actions"":null},""lastAt"":""2026-12-01T08:00:02.000Z"",""signature"":""hmac-sha256:…""}",,${HASH}`,
    `event,${TENANT},2,2026-12-01T08:00:02.000Z,workflow:password-reset,google.password_reset,jane@acme.example,success,"{""ticketRef"":""CT-000123""}",${PREV_HASH},${HASH}`,
    '',
  ].join('\n'),
};
