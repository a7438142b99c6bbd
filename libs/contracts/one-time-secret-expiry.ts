export const ONE_TIME_SECRET_EXPIRY_WORKFLOW = 'oneTimeSecretExpiryWorkflow';
/** The Temporal Schedule that runs it; created (once) when a worker starts. */
export const ONE_TIME_SECRET_EXPIRY_SCHEDULE_ID = 'one-time-secret-expiry';
/** A secret outlives its 24 hours by at most this much before its ciphertext and data key are destroyed. */
export const ONE_TIME_SECRET_EXPIRY_INTERVAL = '15 minutes';

export interface OneTimeSecretExpiryResult {
  tenantsSwept: number;
  secretsDestroyed: number;
}

export interface OneTimeSecretExpiryActivities {
  destroyExpiredSecrets(): Promise<OneTimeSecretExpiryResult>;
}
