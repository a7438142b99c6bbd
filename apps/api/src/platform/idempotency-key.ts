import { ApiError } from '../errors/api-error';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;

/** The Idempotency-Key header, checked: absent, or 1-200 safe characters. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header !== undefined && !IDEMPOTENCY_KEY.test(header)) {
    throw new ApiError(400, 'bad_request', 'Idempotency-Key must be 1-200 characters of letters, digits, . _ : -');
  }
  return header;
}
