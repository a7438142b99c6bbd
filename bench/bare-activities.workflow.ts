import { proxyActivities } from '@temporalio/workflow';

/** The baseline's only activity: does nothing. */
export interface BareActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

/** A bare Temporal workflow with as many activities, in sequence, as a password reset with sign-out runs. */
export async function bareActivitiesWorkflow(activityCount: number): Promise<void> {
  for (let i = 0; i < activityCount; i++) await noop();
}
