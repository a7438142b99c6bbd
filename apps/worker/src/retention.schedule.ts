import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { RETENTION_INTERVAL, RETENTION_SCHEDULE_ID, RETENTION_WORKFLOW } from '../../../libs/contracts';
import { ensureSchedule, type EnsuredSchedule } from '../../../libs/temporal/ensure-schedule';

/**
 * The Temporal Schedule that deletes rows past their retention (RETENTION_RULES) every few hours. A sweep
 * still running when the next is due is left to finish (SKIP); after an outage one missed sweep is enough.
 */
export function ensureRetentionSchedule(client: Client, taskQueue: string): Promise<EnsuredSchedule> {
  return ensureSchedule(client, {
    scheduleId: RETENTION_SCHEDULE_ID,
    every: RETENTION_INTERVAL,
    workflowType: RETENTION_WORKFLOW,
    taskQueue,
    args: [],
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: '1 day',
  });
}
