/**
 * Why a ciphertext or wrapped key was refused. The cases GCM cannot tell apart (tampering, wrong key,
 * wrong tenant/integration/purpose) all read `authentication_failed` by design.
 */
export type DecryptionFailureReason =
  /** Not in the expected layout: truncated, bad lengths, not base64url. */
  | 'malformed'
  /** Not encrypted at all where only ciphertext under our key is accepted (a Temporal payload in clear). */
  | 'not_encrypted'
  /** A format version this code does not know. */
  | 'unsupported_format'
  /** The ciphertext names a different data key than the one supplied. */
  | 'key_mismatch'
  /** The authentication tag did not verify. */
  | 'authentication_failed'
  /** The key provider refused to unwrap the data key (altered, other context, other KEK). */
  | 'unwrap_failed'
  /** The data key is wrapped under a KEK version this provider does not know. */
  | 'unknown_key_version'
  /** The KEK version that wrapped the data key has been retired (disabled). */
  | 'key_version_retired';

/** Decryption refused; carries no plaintext, key material or ciphertext bytes. */
export class DecryptionFailedError extends Error {
  override readonly name = 'DecryptionFailedError';

  constructor(
    readonly reason: DecryptionFailureReason,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `decryption failed (${reason}): ${detail}` : `decryption failed (${reason})`, options);
  }
}
