import { Context } from '@temporalio/activity';
import { TemporalFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { reportUnexpectedError } from '../../../libs/observability/error-tracking';

/**
 * An activity that throws a plain Error hit something nobody anticipated (our activities turn what they
 * expect, like Google's rate limits or a missing user, into ApplicationFailures): that goes to the error
 * tracker, if one is configured, with the activity's type and attempt. Temporal still retries it as before.
 */
export class ActivityErrorReporting implements ActivityInboundCallsInterceptor {
  constructor(private readonly context: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (error) {
      if (!(error instanceof TemporalFailure)) {
        const { activityType, attempt, workflowType } = this.context.info;
        reportUnexpectedError(error, { activityType, attempt, workflowType });
      }
      throw error;
    }
  }
}
