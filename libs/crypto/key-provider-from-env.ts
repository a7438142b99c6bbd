import { KMSClient } from '@aws-sdk/client-kms';
import { join } from 'node:path';
import { repoRoot } from '../config/repo-root';
import { AwsKmsKeyProvider } from './aws-kms-key-provider';
import type { KeyProvider } from './key-provider';
import { LocalKeyProvider } from './local-key-provider';

/**
 * KMS_KEY_ID (an AWS KMS key id or alias; AWS_REGION, optional KMS_ENDPOINT) selects AWS KMS, the
 * production choice; otherwise a local key file (CUSTODIAN_KEY_FILE, default .data/keys/kek.json,
 * created 0600 on first use) is the embedded default.
 */
export function keyProviderFromEnv(env: Record<string, string | undefined> = process.env): KeyProvider {
  if (env.KMS_KEY_ID) {
    const client = new KMSClient({
      region: env.AWS_REGION || 'us-east-1',
      ...(env.KMS_ENDPOINT ? { endpoint: env.KMS_ENDPOINT } : {}),
    });
    return new AwsKmsKeyProvider({ client, keyId: env.KMS_KEY_ID });
  }
  return new LocalKeyProvider({ path: env.CUSTODIAN_KEY_FILE || join(repoRoot(), '.data', 'keys', 'kek.json') });
}
