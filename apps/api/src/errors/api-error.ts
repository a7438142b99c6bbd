import { HttpException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Machine-readable reasons; clients branch on `code`, people read `message`. */
export type ApiErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'malformed_json'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'otp_required'
  | 'forbidden'
  | 'csrf_failed'
  | 'otp_enrolment_required'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'idempotency_key_reused'
  | 'deletion_not_cancellable'
  | 'export_link_expired'
  | 'export_already_downloaded'
  | 'secret_gone'
  | 'provider_unavailable'
  | 'too_many_requests'
  | 'service_unavailable'
  | 'internal_error';

export class ApiErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'validation_failed' }) code!: ApiErrorCode;
  @ApiProperty({ example: 'summary must be shorter than or equal to 200 characters' }) message!: string;
  @ApiPropertyOptional({
    description: 'Per-field problems for validation_failed; other codes may carry what they concern',
    type: 'array',
    items: { type: 'object' },
    example: [{ field: 'summary', problems: ['summary must be shorter than or equal to 200 characters'] }],
  })
  details?: unknown[];
}

/** Thrown by controllers and services for any expected failure; the filter renders it as ApiErrorBody. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message, status);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
