import { randomUUID } from 'node:crypto';
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient, UpdateAliasCommand } from '@aws-sdk/client-kms';
import { AwsKmsKeyProvider } from '../../../libs/crypto/aws-kms-key-provider';
import { DataKeyCache } from '../../../libs/crypto/data-key-cache';
import { DecryptionFailedError } from '../../../libs/crypto/decryption-failed-error';
import { EnvelopeEncryption } from '../../../libs/crypto/envelope-encryption';
import { KeyVersionInUseError } from '../../../libs/crypto/key-version-errors';
import { startFakeKms, type FakeKmsServer } from '../../fakes/kms/fake-kms-server';

const alias = 'alias/custodian-kek';
const context = { tenantId: randomUUID(), integrationId: randomUUID() };
let kms: FakeKmsServer;
let client: KMSClient;
let firstKeyId: string;

beforeEach(async () => {
  kms = await startFakeKms();
  client = new KMSClient({ endpoint: kms.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  firstKeyId = (await client.send(new CreateKeyCommand({ Description: 'custodian KEK' }))).KeyMetadata!.KeyId!;
  await client.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: firstKeyId }));
  kms.resetCounts();
});
afterEach(async () => {
  client.destroy();
  await kms.close();
});

async function rotateAlias(): Promise<string> {
  const keyId = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  await client.send(new UpdateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
  return keyId;
}

describe('fake KMS through the real AWS SDK', () => {
  it('speaks AWS JSON 1.1 so the SDK maps errors to its exception classes', async () => {
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: alias, Plaintext: Buffer.from('x'), EncryptionContext: { a: '1' } }));
    await expect(client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { a: '2' } }))).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    });
    const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { a: '1' } }));
    expect(Buffer.from(Plaintext!).toString()).toBe('x');
    expect(kms.requestCounts()).toEqual({ Encrypt: 1, Decrypt: 2 });
  });
});

describe('AwsKmsKeyProvider', () => {
  it('generates a data key bound to the context and unwraps it (GenerateDataKey, Decrypt)', async () => {
    const provider = new AwsKmsKeyProvider({ client, keyId: alias });
    const generated = await provider.generateDataKey(context);
    expect(generated.plaintextKey).toHaveLength(32);
    expect(generated).toMatchObject({ kekId: alias, kekVersion: firstKeyId });
    expect((await provider.unwrapDataKey(generated.wrappedKey, context)).equals(generated.plaintextKey)).toBe(true);
    expect(kms.requestCounts()).toEqual({ GenerateDataKey: 1, Decrypt: 1 });
  });

  it('rejects a wrong context or an altered wrapped key with the typed error', async () => {
    const provider = new AwsKmsKeyProvider({ client, keyId: alias });
    const { wrappedKey } = await provider.generateDataKey(context);
    for (const other of [{ ...context, tenantId: randomUUID() }, { ...context, integrationId: randomUUID() }]) {
      await expect(provider.unwrapDataKey(wrappedKey, other)).rejects.toMatchObject({ name: 'DecryptionFailedError', reason: 'unwrap_failed' });
    }
    const altered = Buffer.from(wrappedKey);
    altered[altered.length - 1] ^= 1;
    await expect(provider.unwrapDataKey(altered, context)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it('refuses data keys wrapped by a KMS key that is not one of its versions', async () => {
    const stranger = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const foreign = await new AwsKmsKeyProvider({ client, keyId: stranger }).generateDataKey(context);
    const provider = new AwsKmsKeyProvider({ client, keyId: alias });
    await expect(provider.unwrapDataKey(foreign.wrappedKey, context)).rejects.toMatchObject({ reason: 'unknown_key_version' });
  });

  it('rotates by alias: ReEncrypt moves data keys to the new key, the old still unwraps until retired', async () => {
    const provider = new AwsKmsKeyProvider({ client, keyId: alias });
    const generated = await provider.generateDataKey(context);
    const secondKeyId = await rotateAlias();
    expect(await provider.activeKeyVersion()).toBe(secondKeyId);

    kms.resetCounts();
    const rewrapped = await provider.rewrapDataKey(generated.wrappedKey, context);
    expect(kms.requestCounts()).toEqual({ ReEncrypt: 1 });
    expect(rewrapped).toMatchObject({ kekId: alias, kekVersion: secondKeyId });
    expect((await provider.unwrapDataKey(rewrapped.wrappedKey, context)).equals(generated.plaintextKey)).toBe(true);

    // A worker that starts after the rotation knows the old key only from configuration.
    const worker = new AwsKmsKeyProvider({ client, keyId: alias, previousKeyIds: [firstKeyId] });
    expect((await worker.unwrapDataKey(generated.wrappedKey, context)).equals(generated.plaintextKey)).toBe(true);
    await expect(worker.rewrapDataKey(generated.wrappedKey, { ...context, tenantId: randomUUID() })).rejects.toMatchObject({ reason: 'unwrap_failed' });

    await expect(worker.retireVersion(firstKeyId, () => 1)).rejects.toBeInstanceOf(KeyVersionInUseError);
    await expect(worker.retireVersion(secondKeyId, () => 0)).rejects.toBeInstanceOf(KeyVersionInUseError);
    expect(await worker.listVersions()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ version: firstKeyId, active: false, retired: false }),
        expect.objectContaining({ version: secondKeyId, active: true, retired: false }),
      ]),
    );

    await worker.retireVersion(firstKeyId, async (version) => (version === firstKeyId ? 0 : 1));
    await expect(worker.unwrapDataKey(generated.wrappedKey, context)).rejects.toMatchObject({ reason: 'key_version_retired' });
    expect((await worker.unwrapDataKey(rewrapped.wrappedKey, context)).equals(generated.plaintextKey)).toBe(true);
    expect(await worker.listVersions()).toEqual(expect.arrayContaining([expect.objectContaining({ version: firstKeyId, retired: true })]));
  });

  it('rewraps to an explicit version', async () => {
    const provider = new AwsKmsKeyProvider({ client, keyId: alias });
    const generated = await provider.generateDataKey(context);
    await rotateAlias();
    const back = await provider.rewrapDataKey((await provider.rewrapDataKey(generated.wrappedKey, context)).wrappedKey, context, firstKeyId);
    expect(back.kekVersion).toBe(firstKeyId);
  });
});

describe('EnvelopeEncryption over AWS KMS with the data key cache', () => {
  const cipherContext = { ...context, purpose: 'jira.oauth-token-set' };

  it('decrypts from the cache without KMS round trips, and a fresh process unwraps each data key once', async () => {
    const writer = new EnvelopeEncryption(new AwsKmsKeyProvider({ client, keyId: alias }));
    const dataKey = await writer.createDataKey(context);
    const ciphertexts = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.encrypt(`token-${i}`, cipherContext, dataKey)));
    expect(kms.requestCounts()).toEqual({ GenerateDataKey: 1 });

    const reader = new EnvelopeEncryption(new AwsKmsKeyProvider({ client, keyId: firstKeyId }));
    kms.resetCounts();
    // Concurrent misses share one unwrap.
    const plaintexts = await Promise.all(ciphertexts.map((c) => reader.decrypt(c, cipherContext, dataKey)));
    expect(plaintexts.map(String)).toEqual(ciphertexts.map((_, i) => `token-${i}`));
    for (const ciphertext of ciphertexts) await reader.decrypt(ciphertext, cipherContext, dataKey);
    expect(kms.requestCounts()).toEqual({ Decrypt: 1 });
  });

  it('decryptMany unwraps each missing data key once and keeps the order', async () => {
    const writer = new EnvelopeEncryption(new AwsKmsKeyProvider({ client, keyId: alias }));
    const requests = [];
    const plaintexts: string[] = [];
    for (let k = 0; k < 3; k++) {
      const ctx = { ...cipherContext, integrationId: randomUUID() };
      const dataKey = await writer.createDataKey(ctx);
      for (let i = 0; i < 5; i++) {
        plaintexts.push(`k${k}-v${i}`);
        requests.push({ ciphertext: await writer.encrypt(`k${k}-v${i}`, ctx, dataKey), context: ctx, dataKey });
      }
    }
    const reader = new EnvelopeEncryption(new AwsKmsKeyProvider({ client, keyId: firstKeyId }));
    kms.resetCounts();
    expect((await reader.decryptMany([...requests].reverse())).map(String)).toEqual([...plaintexts].reverse());
    expect(kms.requestCounts()).toEqual({ Decrypt: 3 });
    const tampered = { ...requests[0], context: { ...requests[0].context, purpose: 'other' } };
    await expect(reader.decryptMany([requests[1], tampered])).rejects.toMatchObject({ reason: 'authentication_failed' });
    // Caching off: still correct, one unwrap per value.
    const uncached = new EnvelopeEncryption(new AwsKmsKeyProvider({ client, keyId: firstKeyId }), { cache: new DataKeyCache({ maxEntries: 0 }) });
    expect((await uncached.decryptMany(requests.slice(0, 2))).map(String)).toEqual(['k0-v0', 'k0-v1']);
  });

  it('asks KMS again once the TTL has passed', async () => {
    let now = 0;
    const encryption = new EnvelopeEncryption(new AwsKmsKeyProvider({ client, keyId: firstKeyId }), {
      cache: new DataKeyCache({ ttlMs: 1_000, now: () => now }),
    });
    const dataKey = await encryption.createDataKey(context);
    const ciphertext = await encryption.encrypt('t', cipherContext, dataKey);
    now = 999;
    await encryption.decrypt(ciphertext, cipherContext, dataKey);
    expect(kms.requestCounts()).toEqual({ GenerateDataKey: 1 });
    now = 1_000;
    await encryption.decrypt(ciphertext, cipherContext, dataKey);
    await encryption.decrypt(ciphertext, cipherContext, dataKey);
    expect(kms.requestCounts()).toEqual({ GenerateDataKey: 1, Decrypt: 1 });
  });

  it('holds at most maxEntries data keys', async () => {
    const cache = new DataKeyCache({ maxEntries: 2 });
    const encryption = new EnvelopeEncryption(new AwsKmsKeyProvider({ client, keyId: firstKeyId }), { cache });
    const records = [];
    for (let i = 0; i < 3; i++) {
      const ctx = { ...cipherContext, integrationId: randomUUID() };
      const dataKey = await encryption.createDataKey(ctx);
      records.push({ ctx, dataKey, ciphertext: await encryption.encrypt(`t${i}`, ctx, dataKey) });
    }
    expect(cache.size).toBe(2);
    kms.resetCounts();
    await encryption.decrypt(records[2].ciphertext, records[2].ctx, records[2].dataKey);
    await encryption.decrypt(records[1].ciphertext, records[1].ctx, records[1].dataKey);
    expect(kms.totalRequests()).toBe(0);
    await encryption.decrypt(records[0].ciphertext, records[0].ctx, records[0].dataKey);
    expect(kms.requestCounts()).toEqual({ Decrypt: 1 });
    expect(cache.size).toBe(2);
    // records[2] was least recently used and made room for records[0].
    await encryption.decrypt(records[2].ciphertext, records[2].ctx, records[2].dataKey);
    expect(kms.requestCounts()).toEqual({ Decrypt: 2 });
  });

  it('does not serve a cached key to a request for another tenant', async () => {
    const encryption = new EnvelopeEncryption(new AwsKmsKeyProvider({ client, keyId: firstKeyId }));
    const dataKey = await encryption.createDataKey(context);
    const ciphertext = await encryption.encrypt('t', cipherContext, dataKey);
    const otherTenant = { ...cipherContext, tenantId: randomUUID() };
    await expect(encryption.decrypt(ciphertext, otherTenant, dataKey)).rejects.toMatchObject({ reason: 'unwrap_failed' });
    // Concurrent legitimate and foreign requests: each gets its own answer.
    const fresh = new EnvelopeEncryption(new AwsKmsKeyProvider({ client, keyId: firstKeyId }));
    const [bad, good] = await Promise.allSettled([fresh.decrypt(ciphertext, otherTenant, dataKey), fresh.decrypt(ciphertext, cipherContext, dataKey)]);
    expect(bad.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: Buffer.from('t') });
  });
});
