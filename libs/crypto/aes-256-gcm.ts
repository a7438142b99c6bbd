import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const AES_256_KEY_BYTES = 32;
/** 96-bit IVs: the size GCM is specified for; a fresh random one per encryption. */
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

const algorithm = 'aes-256-gcm';

export interface AesGcmSealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** AES-256-GCM with a fresh random IV; every part of `aad` is authenticated, in order. */
export function sealAes256Gcm(key: Buffer, plaintext: Buffer, aad: readonly Buffer[]): AesGcmSealed {
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv(algorithm, key, iv, { authTagLength: GCM_TAG_BYTES });
  for (const part of aad) cipher.setAAD(part);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/**
 * The plaintext, or undefined when authentication fails (wrong key, wrong AAD, any altered byte).
 * Nothing is returned before the tag has been checked, so a failure never yields partial plaintext.
 */
export function openAes256Gcm(key: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer, aad: readonly Buffer[]): Buffer | undefined {
  const decipher = createDecipheriv(algorithm, key, iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAuthTag(tag);
  for (const part of aad) decipher.setAAD(part);
  const head = decipher.update(ciphertext);
  try {
    const tail = decipher.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    head.fill(0);
    return undefined;
  }
}
