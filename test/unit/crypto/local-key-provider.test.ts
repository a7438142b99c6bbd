import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptionFailedError } from '../../../libs/crypto/decryption-failed-error';
import { EnvelopeEncryption } from '../../../libs/crypto/envelope-encryption';
import { KeyVersionInUseError, UnknownKeyVersionError } from '../../../libs/crypto/key-version-errors';
import { KeyFilePermissionError } from '../../../libs/crypto/local-key-file';
import { LocalKeyProvider } from '../../../libs/crypto/local-key-provider';

const context = { tenantId: randomUUID(), integrationId: randomUUID() };
let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custodian-kek-'));
  path = join(dir, 'keys', 'kek.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('LocalKeyProvider key file', () => {
  it('creates the key file with mode 0600 on first use, with one active 32-byte KEK', async () => {
    const provider = new LocalKeyProvider({ path });
    await provider.generateDataKey(context);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file.activeVersion).toBe('1');
    expect(Buffer.from(file.versions[0].key, 'base64')).toHaveLength(32);
  });

  it('refuses a key file that group or others can read, with a message saying how to fix it', async () => {
    await new LocalKeyProvider({ path }).activeKeyVersion();
    chmodSync(path, 0o644);
    const error = await rejection(new LocalKeyProvider({ path }).generateDataKey(context));
    expect(error).toBeInstanceOf(KeyFilePermissionError);
    expect(error.message).toContain('0644');
    expect(error.message).toContain(`chmod 600 ${path}`);
  });

  it('refuses a key file that is not a key ring', async () => {
    await new LocalKeyProvider({ path }).activeKeyVersion();
    writeFileSync(path, '{"format":"something-else"}');
    await expect(new LocalKeyProvider({ path }).activeKeyVersion()).rejects.toThrow(/not a valid custodian-local-kek\/v1/);
  });

  it('shares one key ring between providers that start on a missing file at the same time', async () => {
    const providers = Array.from({ length: 5 }, () => new LocalKeyProvider({ path }));
    const generated = await Promise.all(providers.map((p) => p.generateDataKey(context)));
    for (const provider of providers) {
      for (const key of generated) expect((await provider.unwrapDataKey(key.wrappedKey, context)).equals(key.plaintextKey)).toBe(true);
    }
  });
});

describe('LocalKeyProvider wrapping', () => {
  it('generates a 32-byte data key and unwraps it under the same context only', async () => {
    const provider = new LocalKeyProvider({ path });
    const generated = await provider.generateDataKey(context);
    expect(generated.plaintextKey).toHaveLength(32);
    expect(generated.kekVersion).toBe('1');
    expect(generated.kekId).toMatch(/^local:[0-9a-f-]{36}$/);
    expect(generated.wrappedKey.includes(generated.plaintextKey)).toBe(false);
    expect((await provider.unwrapDataKey(generated.wrappedKey, context)).equals(generated.plaintextKey)).toBe(true);

    for (const other of [{ ...context, tenantId: randomUUID() }, { ...context, integrationId: randomUUID() }]) {
      const error = await rejection(provider.unwrapDataKey(generated.wrappedKey, other));
      expect(error).toBeInstanceOf(DecryptionFailedError);
      expect((error as DecryptionFailedError).reason).toBe('unwrap_failed');
    }
  });

  it('refuses every altered byte of a wrapped key with the typed error', async () => {
    const provider = new LocalKeyProvider({ path });
    const { wrappedKey } = await provider.generateDataKey(context);
    for (let index = 0; index < wrappedKey.length; index++) {
      const tampered = Buffer.from(wrappedKey);
      tampered[index] ^= 0x01;
      await expect(provider.unwrapDataKey(tampered, context)).rejects.toBeInstanceOf(DecryptionFailedError);
    }
    await expect(provider.unwrapDataKey(wrappedKey.subarray(0, wrappedKey.length - 1), context)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it('does not unwrap keys of another key file', async () => {
    const { wrappedKey } = await new LocalKeyProvider({ path }).generateDataKey(context);
    const other = new LocalKeyProvider({ path: join(dir, 'other.json') });
    await expect(other.unwrapDataKey(wrappedKey, context)).rejects.toMatchObject({ reason: 'unwrap_failed' });
  });
});

describe('LocalKeyProvider rotation', () => {
  it('rewraps under the new version; the old wrapping still unwraps until its version is retired', async () => {
    const provider = new LocalKeyProvider({ path });
    const generated = await provider.generateDataKey(context);
    expect(await provider.rotate()).toBe('2');
    expect(await provider.activeKeyVersion()).toBe('2');
    expect((await provider.generateDataKey(context)).kekVersion).toBe('2');

    const rewrapped = await provider.rewrapDataKey(generated.wrappedKey, context);
    expect(rewrapped.kekVersion).toBe('2');
    expect((await provider.unwrapDataKey(rewrapped.wrappedKey, context)).equals(generated.plaintextKey)).toBe(true);
    expect((await provider.unwrapDataKey(generated.wrappedKey, context)).equals(generated.plaintextKey)).toBe(true);

    await provider.retireVersion('1', async () => 0);
    await expect(provider.unwrapDataKey(generated.wrappedKey, context)).rejects.toMatchObject({ reason: 'key_version_retired' });
    expect((await provider.unwrapDataKey(rewrapped.wrappedKey, context)).equals(generated.plaintextKey)).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8')).versions[0].key).toBeUndefined();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await provider.listVersions()).toEqual([
      expect.objectContaining({ version: '1', active: false, retired: true }),
      expect.objectContaining({ version: '2', active: true, retired: false }),
    ]);
  });

  it('refuses to retire a version still in use (by answer or count) or the active one', async () => {
    const provider = new LocalKeyProvider({ path });
    await provider.rotate();
    const byCount = await rejection(provider.retireVersion('1', async (version) => (version === '1' ? 3 : 0)));
    expect(byCount).toBeInstanceOf(KeyVersionInUseError);
    expect(byCount.message).toContain('3 data key(s)');
    await expect(provider.retireVersion('1', () => true)).rejects.toBeInstanceOf(KeyVersionInUseError);
    await expect(provider.retireVersion('2', () => false)).rejects.toBeInstanceOf(KeyVersionInUseError);
    await expect(provider.retireVersion('9', () => false)).rejects.toBeInstanceOf(UnknownKeyVersionError);
    expect((await provider.listVersions()).every((v) => !v.retired)).toBe(true);
  });

  it('rewraps to an explicit version, refusing unknown ones', async () => {
    const provider = new LocalKeyProvider({ path });
    const generated = await provider.generateDataKey(context);
    await provider.rotate();
    expect((await provider.rewrapDataKey(generated.wrappedKey, context, '1')).kekVersion).toBe('1');
    await expect(provider.rewrapDataKey(generated.wrappedKey, context, '7')).rejects.toBeInstanceOf(UnknownKeyVersionError);
  });

  it('sees a rotation made by another process when it meets the new version', async () => {
    const worker = new LocalKeyProvider({ path });
    await worker.activeKeyVersion();
    const operator = new LocalKeyProvider({ path });
    await operator.rotate();
    const generated = await operator.generateDataKey(context);
    expect((await worker.unwrapDataKey(generated.wrappedKey, context)).equals(generated.plaintextKey)).toBe(true);
  });

  it('records when each version stopped being active (and derives it for key files written before that was recorded)', async () => {
    let now = new Date('2026-01-01T00:00:00.000Z');
    const provider = new LocalKeyProvider({ path, now: () => now });
    await provider.activeKeyVersion();
    now = new Date('2026-02-01T00:00:00.000Z');
    await provider.rotate();
    now = new Date('2026-03-01T00:00:00.000Z');
    await provider.rotate();
    expect((await provider.listVersions()).map((v) => [v.version, v.supersededAt?.toISOString()])).toEqual([
      ['1', '2026-02-01T00:00:00.000Z'],
      ['2', '2026-03-01T00:00:00.000Z'],
      ['3', undefined],
    ]);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    for (const version of file.versions) delete version.supersededAt;
    writeFileSync(path, JSON.stringify(file));
    expect((await new LocalKeyProvider({ path }).listVersions()).map((v) => v.supersededAt?.toISOString())).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      undefined,
    ]);
  });

  it('wraps new keys under the version made active by another process at once, so a running process does not keep using a superseded one', async () => {
    const worker = new LocalKeyProvider({ path });
    expect((await worker.generateDataKey(context)).kekVersion).toBe('1');
    await new LocalKeyProvider({ path }).rotate();
    expect(await worker.activeKeyVersion()).toBe('2');
    expect((await worker.generateDataKey(context)).kekVersion).toBe('2');
  });

  it('keeps stored values readable across a rotation through EnvelopeEncryption', async () => {
    const provider = new LocalKeyProvider({ path });
    const encryption = new EnvelopeEncryption(provider);
    const cipherContext = { ...context, purpose: 'google.oauth-token-set' };
    const dataKey = await encryption.createDataKey(context);
    const ciphertext = await encryption.encrypt('refresh-token', cipherContext, dataKey);
    await provider.rotate();
    const rewrapped = await encryption.rewrapDataKey(dataKey, context);
    expect(rewrapped).toMatchObject({ id: dataKey.id, kekVersion: '2' });
    await provider.retireVersion('1', () => 0);
    const fresh = () => new EnvelopeEncryption(new LocalKeyProvider({ path }));
    expect((await fresh().decrypt(ciphertext, cipherContext, rewrapped)).toString()).toBe('refresh-token');
    await expect(fresh().decrypt(ciphertext, cipherContext, dataKey)).rejects.toMatchObject({ reason: 'key_version_retired' });
    // The cache holds the data key by id, and rewrapping does not change the key: entries survive a rotation.
    expect((await encryption.decrypt(ciphertext, cipherContext, dataKey)).toString()).toBe('refresh-token');
  });
});
