import type { ApiErrorBody, ApiErrorCode } from './api-error';

const CODE_BY_STATUS: Partial<Record<number, ApiErrorCode>> = {
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  412: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * A refusal raised by Express middleware in the http-errors convention (a 4xx `status`, `expose` set because
 * its message is meant for the client): the tenant page's static files answer a Range they cannot satisfy
 * with 416 and a failed If-Match with 412 this way. The client's fault, in its own status, never a 500.
 */
export function asExpressClientError(exception: unknown): ApiErrorBody | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, expose, message } = exception as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return undefined;
  return { statusCode: status, code: CODE_BY_STATUS[status] ?? 'bad_request', message: typeof message === 'string' && message ? message : 'bad request' };
}
