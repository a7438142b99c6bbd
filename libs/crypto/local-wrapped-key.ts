import { GCM_IV_BYTES, GCM_TAG_BYTES } from './aes-256-gcm';
import { DecryptionFailedError } from './decryption-failed-error';

/**
 * A data key wrapped by the local provider, self-describing so unwrap finds the KEK version:
 *
 *   offset  size  field
 *   0       1     format (0x01)
 *   1       1     n = length of the KEK version (UTF-8, 1..255)
 *   2       n     KEK version
 *   2+n     12    IV
 *   14+n    16    GCM tag
 *   30+n    rest  the data key encrypted under that KEK version (32 bytes)
 *
 * Bytes 0 .. 2+n are authenticated as AAD together with the encryption context.
 */
export interface LocalWrappedKey {
  header: Buffer;
  kekVersion: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

const format = 0x01;

export function localWrappedKeyHeader(kekVersion: string): Buffer {
  const version = Buffer.from(kekVersion, 'utf8');
  if (version.length === 0 || version.length > 255) throw new RangeError('KEK version must be 1..255 bytes');
  return Buffer.concat([Buffer.from([format, version.length]), version]);
}

export function serializeLocalWrappedKey(header: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer): Buffer {
  return Buffer.concat([header, iv, tag, ciphertext]);
}

export function parseLocalWrappedKey(bytes: Buffer): LocalWrappedKey {
  if (bytes.length < 2) throw new DecryptionFailedError('malformed', 'wrapped key too short');
  if (bytes[0] !== format) throw new DecryptionFailedError('unsupported_format', 'unknown wrapped key format');
  const versionEnd = 2 + bytes[1];
  const tagEnd = versionEnd + GCM_IV_BYTES + GCM_TAG_BYTES;
  if (bytes[1] === 0 || bytes.length <= tagEnd) throw new DecryptionFailedError('malformed', 'wrapped key too short');
  return {
    header: bytes.subarray(0, versionEnd),
    kekVersion: bytes.toString('utf8', 2, versionEnd),
    iv: bytes.subarray(versionEnd, versionEnd + GCM_IV_BYTES),
    tag: bytes.subarray(versionEnd + GCM_IV_BYTES, tagEnd),
    ciphertext: bytes.subarray(tagEnd),
  };
}
