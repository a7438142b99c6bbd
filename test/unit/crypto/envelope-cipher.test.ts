import { randomBytes, randomUUID } from 'node:crypto';
import { DecryptionFailedError, type DecryptionFailureReason } from '../../../libs/crypto/decryption-failed-error';
import type { CipherContext } from '../../../libs/crypto/encryption-context';
import { EnvelopeCipher, type DataKeyMaterial } from '../../../libs/crypto/envelope-cipher';
import { readEnvelopeHeader, splitEnvelope } from '../../../libs/crypto/envelope-format';

const cipher = new EnvelopeCipher();
const context: CipherContext = { tenantId: randomUUID(), integrationId: randomUUID(), purpose: 'jira.oauth-token-set' };
const dataKey: DataKeyMaterial = { id: randomUUID(), kekId: 'local:ring', kekVersion: '3', key: randomBytes(32) };
const plaintext = JSON.stringify({ accessToken: 'at-123', refreshToken: 'rt-456' });

function failure(run: () => unknown): DecryptionFailedError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionFailedError);
    return error as DecryptionFailedError;
  }
  throw new Error('expected DecryptionFailedError, but decryption succeeded');
}

const allReasons: DecryptionFailureReason[] = ['malformed', 'unsupported_format', 'key_mismatch', 'authentication_failed'];

describe('EnvelopeCipher', () => {
  const ciphertext = cipher.encrypt(plaintext, context, dataKey);

  it('round-trips strings and bytes, including empty values, from text or raw envelope bytes', () => {
    expect(cipher.decrypt(ciphertext, context, dataKey).toString('utf8')).toBe(plaintext);
    expect(cipher.decrypt(Buffer.from(ciphertext, 'base64url'), context, dataKey).toString('utf8')).toBe(plaintext);
    expect(cipher.decrypt(ciphertext, context, { ...dataKey, id: dataKey.id.toUpperCase() }).toString('utf8')).toBe(plaintext);
    const bytes = randomBytes(1000);
    expect(cipher.decrypt(cipher.encrypt(bytes, context, dataKey), context, dataKey).equals(bytes)).toBe(true);
    expect(cipher.decrypt(cipher.encrypt('', context, dataKey), context, dataKey).length).toBe(0);
  });

  it('uses a fresh 96-bit IV and a 128-bit tag for every encryption', () => {
    const first = splitEnvelope(cipher.encrypt(plaintext, context, dataKey));
    const second = splitEnvelope(cipher.encrypt(plaintext, context, dataKey));
    expect(first.iv).toHaveLength(12);
    expect(first.tag).toHaveLength(16);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
  });

  it('names its format version, KEK and data key in a readable header, and never the plaintext', () => {
    expect(readEnvelopeHeader(ciphertext)).toEqual({ formatVersion: 1, kekId: 'local:ring', kekVersion: '3', dekId: dataKey.id });
    expect(Buffer.from(ciphertext, 'base64url').includes(Buffer.from('at-123'))).toBe(false);
    expect(ciphertext).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['another tenant', { ...context, tenantId: randomUUID() }],
    ['another integration', { ...context, integrationId: randomUUID() }],
    ['another purpose', { ...context, purpose: 'google.oauth-token-set' }],
    ['ids swapped', { ...context, tenantId: context.integrationId, integrationId: context.tenantId }],
  ])('refuses a ciphertext copied to %s', (_, other) => {
    expect(failure(() => cipher.decrypt(ciphertext, other, dataKey)).reason).toBe('authentication_failed');
  });

  it('refuses another key under the same id, and another data key id', () => {
    expect(failure(() => cipher.decrypt(ciphertext, context, { id: dataKey.id, key: randomBytes(32) })).reason).toBe('authentication_failed');
    expect(failure(() => cipher.decrypt(ciphertext, context, { id: randomUUID(), key: dataKey.key })).reason).toBe('key_mismatch');
    expect(failure(() => cipher.decrypt(ciphertext, context, { id: dataKey.id.replace(/-/g, '_'), key: dataKey.key })).reason).toBe('key_mismatch');
    expect(failure(() => cipher.decrypt(ciphertext, context, { id: dataKey.id.slice(0, 35) + 'g', key: dataKey.key })).reason).toBe('key_mismatch');
  });

  it('refuses every single-bit flip of every byte (header, IV, tag, ciphertext) with the typed error', () => {
    const bytes = Buffer.from(ciphertext, 'base64url');
    const reasons = new Set<string>();
    for (let index = 0; index < bytes.length; index++) {
      for (const bit of [0x01, 0x80]) {
        const tampered = Buffer.from(bytes);
        tampered[index] ^= bit;
        for (const stored of [tampered.toString('base64url'), tampered]) {
          const error = failure(() => cipher.decrypt(stored, context, dataKey));
          expect(allReasons).toContain(error.reason);
          reasons.add(error.reason);
        }
      }
    }
    expect(reasons).toEqual(new Set(['unsupported_format', 'malformed', 'authentication_failed', 'key_mismatch']));
  });

  it('refuses every truncation and any appended byte', () => {
    const bytes = Buffer.from(ciphertext, 'base64url');
    for (let length = 0; length < bytes.length; length++) {
      const error = failure(() => cipher.decrypt(bytes.subarray(0, length).toString('base64url'), context, dataKey));
      expect(['malformed', 'authentication_failed']).toContain(error.reason);
    }
    const extended = Buffer.concat([bytes, Buffer.from([0])]).toString('base64url');
    expect(failure(() => cipher.decrypt(extended, context, dataKey)).reason).toBe('authentication_failed');
  });

  it('refuses text that is not base64url, and non-strings', () => {
    expect(failure(() => cipher.decrypt(`${ciphertext.slice(0, 20)}*${ciphertext.slice(21)}`, context, dataKey)).reason).toBe('malformed');
    expect(failure(() => cipher.decrypt(`${ciphertext}=`, context, dataKey)).reason).toBe('malformed');
    expect(failure(() => cipher.decrypt('', context, dataKey)).reason).toBe('malformed');
    expect(failure(() => cipher.decrypt(42 as unknown as string, context, dataKey)).reason).toBe('malformed');
  });

  it('keeps plaintext, key and ciphertext out of the error message', () => {
    const error = failure(() => cipher.decrypt(ciphertext, { ...context, purpose: 'other' }, dataKey));
    expect(error.message).not.toContain('at-123');
    expect(error.message).not.toContain(dataKey.key.toString('base64'));
    expect(error.message).not.toContain(ciphertext.slice(10, 40));
  });

  it('refuses an empty context field or a key of the wrong size when encrypting', () => {
    expect(() => cipher.encrypt(plaintext, { ...context, tenantId: '' }, dataKey)).toThrow(TypeError);
    expect(() => cipher.encrypt(plaintext, { ...context, purpose: '' }, dataKey)).toThrow(TypeError);
    expect(() => cipher.encrypt(plaintext, context, { ...dataKey, key: randomBytes(16) })).toThrow(TypeError);
    expect(() => cipher.encrypt(plaintext, context, { ...dataKey, id: 'not-a-uuid' })).toThrow(TypeError);
  });
});
