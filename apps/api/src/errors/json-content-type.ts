import type { NextFunction, Request, Response } from 'express';

const METHODS_WITH_BODIES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every body this API reads is JSON, except a ticket attachment's multipart upload (whose route answers for
 * itself). A body of any other type would reach the handler as no body at all and fail on its first field
 * ("summary must be a string"): curl -d sends application/x-www-form-urlencoded unless told otherwise, so the
 * refusal names the header to add.
 */
export function requireJsonBodies(request: Request, response: Response, next: NextFunction): void {
  if (!METHODS_WITH_BODIES.has(request.method) || !hasBody(request) || request.is('application/json') || request.is('multipart/form-data')) return next();
  const sent = request.headers['content-type'];
  const message =
    `send the body as JSON with the header Content-Type: application/json (this request's was ${sent ? `"${sent}"` : 'missing'}` +
    `${sent?.startsWith('application/x-www-form-urlencoded') ? ', which curl -d sends unless given -H \'Content-Type: application/json\'' : ''})`;
  response.status(415).json({ statusCode: 415, code: 'unsupported_media_type', message });
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
