import { GCM_IV_BYTES, GCM_TAG_BYTES } from './aes-256-gcm';
import { DecryptionFailedError } from './decryption-failed-error';

/**
 * Ciphertext of one stored value (e.g. a credential's token set), stored as base64url text (or the same
 * bytes in a bytea column):
 *
 *   offset  size  field
 *   0       1     format version (0x01)
 *   1       1     a = length of kekId (UTF-8, 1..255)
 *   2       a     kekId         KEK that wrapped the data key when this was written
 *   2+a     1     b = length of kekVersion (UTF-8, 1..255)
 *   3+a     b     kekVersion    (a hint only: rewrapping the data key later does not touch this value)
 *   3+a+b   16    dekId         the data key (data_keys.id, a UUID) that encrypted it
 *   19+a+b  12    IV            random per encryption
 *   31+a+b  16    GCM tag
 *   47+a+b  rest  ciphertext
 *
 * The header (bytes 0 .. 19+a+b) is authenticated as AAD together with tenantId, integrationId and purpose.
 */
export const ENVELOPE_FORMAT_V1 = 0x01;

export interface EnvelopeHeader {
  formatVersion: number;
  kekId: string;
  kekVersion: string;
  dekId: string;
}

/** Views into one envelope's bytes (no copies, no string decoding: the decrypt path stays cheap). */
export interface EnvelopeParts {
  bytes: Buffer;
  /** The header bytes, authenticated as AAD. */
  header: Buffer;
  kekIdEnd: number;
  dekIdOffset: number;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dekIdBytes = 16;

export function envelopeHeader(kekId: string, kekVersion: string, dekId: string): Buffer {
  if (!uuidPattern.test(dekId)) throw new TypeError('dekId must be a UUID');
  return Buffer.concat([Buffer.from([ENVELOPE_FORMAT_V1]), shortString(kekId, 'kekId'), shortString(kekVersion, 'kekVersion'), Buffer.from(dekId.replace(/-/g, ''), 'hex')]);
}

export function serializeEnvelope(header: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer): string {
  return Buffer.concat([header, iv, tag, ciphertext]).toString('base64url');
}

/** Splits a stored ciphertext (base64url text or raw bytes) into its parts; DecryptionFailedError when it cannot be one. */
export function splitEnvelope(stored: string | Buffer): EnvelopeParts {
  const bytes = envelopeBytes(stored);
  if (bytes.length < 2) throw new DecryptionFailedError('malformed', 'too short');
  if (bytes[0] !== ENVELOPE_FORMAT_V1) throw new DecryptionFailedError('unsupported_format', `format version ${bytes[0]}`);
  const kekIdEnd = 2 + bytes[1];
  const dekIdOffset = kekIdEnd + 1 + (bytes[kekIdEnd] ?? 0);
  const headerEnd = dekIdOffset + dekIdBytes;
  const ivEnd = headerEnd + GCM_IV_BYTES;
  const tagEnd = ivEnd + GCM_TAG_BYTES;
  if (bytes[1] === 0 || bytes[kekIdEnd] === 0 || bytes.length < tagEnd) throw new DecryptionFailedError('malformed', 'too short');
  return {
    bytes,
    header: bytes.subarray(0, headerEnd),
    kekIdEnd,
    dekIdOffset,
    iv: bytes.subarray(headerEnd, ivEnd),
    tag: bytes.subarray(ivEnd, tagEnd),
    ciphertext: bytes.subarray(tagEnd),
  };
}

/** Which data key (and KEK) a stored ciphertext needs, so the store can load that data_keys row. */
export function readEnvelopeHeader(stored: string | Buffer): EnvelopeHeader {
  const { bytes, kekIdEnd, dekIdOffset } = splitEnvelope(stored);
  const hex = bytes.toString('hex', dekIdOffset, dekIdOffset + dekIdBytes);
  return {
    formatVersion: ENVELOPE_FORMAT_V1,
    kekId: bytes.toString('utf8', 2, kekIdEnd),
    kekVersion: bytes.toString('utf8', kekIdEnd + 1, dekIdOffset),
    dekId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
  };
}

/** Whether the envelope's data key id is the UUID `id` (compared in place: no string or buffer is built). */
export function dekIdMatches(parts: EnvelopeParts, id: string): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== dash || id.charCodeAt(13) !== dash || id.charCodeAt(18) !== dash || id.charCodeAt(23) !== dash) return false;
  for (let n = 0; n < dekIdBytes; n++) {
    const at = uuidHexPairs[n];
    if (((hexValue(id.charCodeAt(at)) << 4) | hexValue(id.charCodeAt(at + 1))) !== parts.bytes[parts.dekIdOffset + n]) return false;
  }
  return true;
}

const dash = 45;
/** Where each byte's two hex digits start in "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
const uuidHexPairs = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

function envelopeBytes(stored: string | Buffer): Buffer {
  if (Buffer.isBuffer(stored)) return stored;
  if (typeof stored !== 'string') throw new DecryptionFailedError('malformed', 'ciphertext must be a string or bytes');
  const bytes = Buffer.from(stored, 'base64url');
  // Buffer.from skips characters outside the alphabet; a length that does not match means there were some.
  if (stored.length % 4 === 1 || bytes.length !== Math.floor((stored.length * 3) / 4)) throw new DecryptionFailedError('malformed', 'not base64url');
  return bytes;
}

/** 0..15 for a hex digit, else 256 (which no byte equals). */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : 256;
}

function shortString(value: string, field: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length === 0 || bytes.length > 255) throw new RangeError(`${field} must be 1..255 bytes of UTF-8`);
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}
