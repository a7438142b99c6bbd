import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { ONE_TIME_SECRET_EXPIRY_INTERVAL, ONE_TIME_SECRET_EXPIRY_SCHEDULE_ID, ONE_TIME_SECRET_EXPIRY_WORKFLOW } from '../../../libs/contracts';

/**
 * The Temporal Schedule that destroys expired one-time secrets every 15 minutes. Every worker makes sure it
 * exists at start; the first one creates it, the others find it. A sweep still running when the next is due
 * is left to finish (SKIP), and sweeps missed while the cluster was down are caught up once.
 */
export async function ensureOneTimeSecretExpirySchedule(client: Client, taskQueue: string): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: ONE_TIME_SECRET_EXPIRY_SCHEDULE_ID,
      spec: { intervals: [{ every: ONE_TIME_SECRET_EXPIRY_INTERVAL }] },
      action: { type: 'startWorkflow', workflowType: ONE_TIME_SECRET_EXPIRY_WORKFLOW, taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'exists';
    throw error;
  }
}
