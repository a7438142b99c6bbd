import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../errors/api-error';

/**
 * Only `Content-Type: application/json`. A browser sends that cross-origin only after a CORS preflight, which
 * the codec's CORS policy grants to the configured Temporal UI origins alone; a form or a text/plain fetch
 * from any other page (a "simple" request, sent without asking) is refused before it is read.
 */
@Injectable()
export class JsonContentTypeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.is('application/json') !== 'application/json') {
      throw new ApiError(415, 'unsupported_media_type', 'send the payloads as Content-Type: application/json');
    }
    return true;
  }
}
