/** What a data key is bound to: KMS EncryptionContext, or AAD for the local provider. */
export interface EncryptionContext {
  tenantId: string;
  integrationId: string;
}

/** What one ciphertext is bound to: its data key's context plus what the value is for. */
export interface CipherContext extends EncryptionContext {
  /** e.g. "jira.oauth-token-set"; a value stored for one purpose does not decrypt as another. */
  purpose: string;
}

/** Refuses empty ids, so a missing id cannot silently bind everything to "". */
export function assertEncryptionContext(context: EncryptionContext): void {
  for (const field of ['tenantId', 'integrationId'] as const) {
    if (typeof context[field] !== 'string' || context[field].length === 0) {
      throw new TypeError(`encryption context ${field} must be a non-empty string`);
    }
  }
}

/** The context as KMS EncryptionContext (a string map; KMS binds it as AAD and logs it in CloudTrail). */
export function kmsEncryptionContext(context: EncryptionContext): Record<string, string> {
  return { tenantId: context.tenantId, integrationId: context.integrationId };
}

/** Unambiguous bytes for the data key context: a JSON array cannot be confused by ids containing separators. */
export function encryptionContextAad(context: EncryptionContext): Buffer {
  return Buffer.from(JSON.stringify(['ctx1', context.tenantId, context.integrationId]), 'utf8');
}

/** Unambiguous bytes for a ciphertext's context (tenant, integration and purpose). */
export function cipherContextAad(context: CipherContext): Buffer {
  return Buffer.from(JSON.stringify(['cipher1', context.tenantId, context.integrationId, context.purpose]), 'utf8');
}
