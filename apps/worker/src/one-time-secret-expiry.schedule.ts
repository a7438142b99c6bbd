import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { ONE_TIME_SECRET_EXPIRY_INTERVAL, ONE_TIME_SECRET_EXPIRY_SCHEDULE_ID, ONE_TIME_SECRET_EXPIRY_WORKFLOW } from '../../../libs/contracts';
import { ensureSchedule, type EnsuredSchedule } from '../../../libs/temporal/ensure-schedule';

/**
 * The Temporal Schedule that destroys expired one-time secrets every 15 minutes. Every worker makes sure it
 * exists, as this release defines it, at start. A sweep still running when the next is due is left to finish
 * (SKIP), and sweeps missed while the cluster was down are caught up once.
 */
export function ensureOneTimeSecretExpirySchedule(client: Client, taskQueue: string): Promise<EnsuredSchedule> {
  return ensureSchedule(client, {
    scheduleId: ONE_TIME_SECRET_EXPIRY_SCHEDULE_ID,
    every: ONE_TIME_SECRET_EXPIRY_INTERVAL,
    workflowType: ONE_TIME_SECRET_EXPIRY_WORKFLOW,
    taskQueue,
    args: [],
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: '1 hour',
  });
}
