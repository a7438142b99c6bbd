import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/current-principal.decorator';
import { DELETION_SCHEDULE_HEADER } from './deletion-schedule.header';

/**
 * A tenant pending deletion keeps working, and every answer it gets says when it will be deleted. The guard
 * read the schedule with the API key (same query), so this costs nothing.
 */
@Injectable()
export class DeletionScheduleInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const principal = http.getRequest<AuthenticatedRequest>().principal;
    if (principal?.kind === 'tenant' && principal.deletionScheduledAt) {
      http.getResponse<Response>().setHeader(DELETION_SCHEDULE_HEADER, principal.deletionScheduledAt);
    }
    return next.handle();
  }
}
