import { proxyActivities } from '@temporalio/workflow';
import type { OneTimeSecretExpiryActivities, OneTimeSecretExpiryResult } from '../libs/contracts';

// A sweep of every tenant: heartbeats per tenant, so a dead worker is noticed and the sweep resumes elsewhere.
const { destroyExpiredSecrets } = proxyActivities<OneTimeSecretExpiryActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 5 },
});

/** Run by a Schedule: destroys every one-time secret that expired unread, so none outlives its 24 hours for long. */
export async function oneTimeSecretExpiryWorkflow(): Promise<OneTimeSecretExpiryResult> {
  return destroyExpiredSecrets();
}
