import type { Client } from '@temporalio/client';
import { ONE_TIME_SECRET_EXPIRY_SCHEDULE_ID, RETENTION_SCHEDULE_ID } from '../../../libs/contracts';
import type { EnsuredSchedule } from '../../../libs/temporal/ensure-schedule';
import { ensureOneTimeSecretExpirySchedule } from './one-time-secret-expiry.schedule';
import { ensureRetentionSchedule } from './retention.schedule';

/** Every Schedule the worker owns, made to match this release at start; what each one needed, by id. */
export async function ensureWorkerSchedules(client: Client, taskQueue: string): Promise<Record<string, EnsuredSchedule>> {
  return {
    [ONE_TIME_SECRET_EXPIRY_SCHEDULE_ID]: await ensureOneTimeSecretExpirySchedule(client, taskQueue),
    [RETENTION_SCHEDULE_ID]: await ensureRetentionSchedule(client, taskQueue),
  };
}
