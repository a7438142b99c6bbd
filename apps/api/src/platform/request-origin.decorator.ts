import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The origin the caller used to reach the API (scheme from the trusted proxy's X-Forwarded-Proto, host from Host),
 * for links a caller copies out of a response; API_PUBLIC_URL, when set, takes precedence where it is used.
 */
export const RequestOrigin = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<Request>();
  return `${request.protocol}://${request.get('host')}`;
});
