import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ApiError } from '../errors/api-error';

/**
 * Bound before the upload interceptor: multer hands a body of any multipart/* type to busboy, which reads only
 * multipart/form-data and throws on the rest (multipart/mixed, multipart/related), an error the upload
 * interceptor does not translate, so it would answer 500. Such a body is refused here as the 415 it is.
 */
@Injectable()
export class MultipartFormDataOnly implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.is('multipart/*') && !request.is('multipart/form-data')) {
      throw new ApiError(415, 'unsupported_media_type', `upload the file as multipart/form-data in a part named "file" (this request's was "${request.headers['content-type']}")`);
    }
    return next.handle();
  }
}
