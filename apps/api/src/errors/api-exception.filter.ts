import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { redactSecretsInText } from '../../../../libs/crypto/secret-text-redaction';
import { isTransientDatabaseError } from '../../../../libs/db/database-error';
import { reportUnexpectedError } from '../../../../libs/observability/error-tracking';
import { ApiError, type ApiErrorBody, type ApiErrorCode } from './api-error';
import { asExpressClientError } from './express-client-error';

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

/** One error shape for every response that is not a success, whoever threw. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      // A download already under way cannot turn into an error response: it can only end. The usual cause is
      // the client closing it early, which is no fault of ours.
      const closedByClient = (exception as NodeJS.ErrnoException | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE' || response.destroyed;
      if (!closedByClient) this.logger.warn(`a response failed after it had started, so it was cut off: ${exception instanceof Error ? exception.message : String(exception)}`);
      response.destroy();
      return;
    }
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(redactSecretsInText(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)));
    }
    // A bug, not a dependency that is down for a moment (503): worth a report in the error tracker.
    if (body.code === 'internal_error') reportUnexpectedError(exception);
    // Every 503 asks the client to try again; Retry-After says when (RFC 9110 10.2.3).
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', '2');
    // Stated, because a static file's refusal (416, 412) comes after its own Content-Type was set.
    response.status(body.statusCode).type('application/json').json(body);
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof ApiError) {
      return {
        statusCode: exception.getStatus(),
        code: exception.code,
        message: exception.message,
        ...(exception.details ? { details: exception.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const code = CODE_BY_STATUS[statusCode] ?? (statusCode < 500 ? 'bad_request' : 'internal_error');
      if (typeof response === 'object' && response !== null && 'message' in response) {
        return { statusCode, code, message: [response.message].flat().join('; ') };
      }
      // e.g. the health check's per-dependency report
      return { statusCode, code, message: exception.message, ...(typeof response === 'object' ? { details: [response] } : {}) };
    }
    const bodyParserError = asBodyParserError(exception);
    if (bodyParserError) return bodyParserError;
    const expressClientError = asExpressClientError(exception);
    if (expressClientError) return expressClientError;
    if (isTransientDatabaseError(exception)) {
      return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, code: 'service_unavailable', message: 'the database is unavailable for a moment; retry the request' };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'internal_error', message: 'internal error' };
  }
}

/** express.json() failures (bad JSON, too large, wrong charset) are the client's fault, never a 500. */
export function asBodyParserError(exception: unknown): ApiErrorBody | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { type, status, errno } = exception as { type?: unknown; status?: unknown; errno?: unknown };
  // A body that does not inflate by its Content-Encoding: body-parser marks zlib's own error 400 but gives it no type.
  if (type === undefined && status === 400 && typeof errno === 'number') {
    return { statusCode: 400, code: 'bad_request', message: 'request body could not be decoded by its Content-Encoding' };
  }
  switch (type) {
    case 'entity.parse.failed':
      return { statusCode: 400, code: 'malformed_json', message: 'request body is not valid JSON' };
    case 'entity.too.large':
      return { statusCode: 413, code: 'payload_too_large', message: 'request body is too large' };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { statusCode: 415, code: 'unsupported_media_type', message: 'unsupported body encoding' };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return { statusCode: 400, code: 'bad_request', message: 'request body could not be read' };
    default:
      return undefined;
  }
}
