import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { DecryptionFailedError } from '../../../libs/crypto/decryption-failed-error';
import { LocalKeyProvider } from '../../../libs/crypto/local-key-provider';
import {
  ENCRYPTED_PAYLOAD_ENCODING,
  ENCRYPTION_KEY_ID_METADATA,
  ENCRYPTION_WRAPPED_KEY_METADATA,
  PayloadEncryptionCodec,
} from '../../../libs/temporal/payload-codec';
import { REFUSAL_REASON_METADATA, REFUSED_PAYLOAD_ENCODING } from '../../../libs/temporal/payload-converter';
import { WorkerPayloadCodec } from '../../../libs/temporal/worker-payload-codec';

const secretValue = 'refresh-token-5ecr3t-value';
let dir: string;
let provider: LocalKeyProvider;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custodian-codec-'));
  provider = new LocalKeyProvider({ path: join(dir, 'kek.json') });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const payloads = (): Payload[] => [
  defaultPayloadConverter.toPayload({ tenantId: 't-1', refreshToken: secretValue }),
  defaultPayloadConverter.toPayload('plain string'),
  defaultPayloadConverter.toPayload(undefined),
  defaultPayloadConverter.toPayload(new Uint8Array([1, 2, 3])),
];

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('PayloadEncryptionCodec', () => {
  it('round-trips payloads, metadata included', async () => {
    const codec = new PayloadEncryptionCodec({ keyProvider: provider });
    const original = payloads();
    const decoded = await codec.decode(await codec.encode(original));
    expect(decoded).toHaveLength(original.length);
    decoded.forEach((payload, index) => {
      expect(defaultPayloadConverter.fromPayload(payload)).toEqual(defaultPayloadConverter.fromPayload(original[index]));
      expect(text(payload.metadata?.encoding)).toBe(text(original[index].metadata?.encoding));
    });
  });

  it('leaves no plaintext in the encoded bytes and marks them binary/encrypted with a key id', async () => {
    const codec = new PayloadEncryptionCodec({ keyProvider: provider });
    const [encoded] = await codec.encode(payloads());
    const everything = Buffer.concat([Buffer.from(encoded.data!), ...Object.values(encoded.metadata!).map((v) => Buffer.from(v!))]);
    expect(everything.includes(Buffer.from(secretValue))).toBe(false);
    expect(everything.includes(Buffer.from('refreshToken'))).toBe(false);
    expect(everything.includes(Buffer.from('json/plain'))).toBe(false);
    expect(text(encoded.metadata!.encoding)).toBe(ENCRYPTED_PAYLOAD_ENCODING);
    expect(text(encoded.metadata![ENCRYPTION_KEY_ID_METADATA])).toMatch(/^local:[0-9a-f-]{36}#1#[0-9a-f-]{36}$/);
  });

  it('uses a fresh IV per payload', async () => {
    const codec = new PayloadEncryptionCodec({ keyProvider: provider });
    const [a, b] = await codec.encode([payloads()[1], payloads()[1]]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('refuses a tampered payload (every byte of data, the key id, the wrapped key) with the typed error', async () => {
    const codec = new PayloadEncryptionCodec({ keyProvider: provider });
    const [encoded] = await codec.encode(payloads());
    const data = Buffer.from(encoded.data!);
    for (let index = 0; index < data.length; index++) {
      const tampered = Buffer.from(data);
      tampered[index] ^= 0x01;
      await expect(codec.decode([{ ...encoded, data: tampered }])).rejects.toBeInstanceOf(DecryptionFailedError);
    }
    await expect(codec.decode([{ ...encoded, data: data.subarray(0, 20) }])).rejects.toMatchObject({ reason: 'malformed' });
    const keyId = text(encoded.metadata![ENCRYPTION_KEY_ID_METADATA]);
    const otherKeyId = Buffer.from(keyId.replace('#1#', '#2#'));
    await expect(codec.decode([{ ...encoded, metadata: { ...encoded.metadata, [ENCRYPTION_KEY_ID_METADATA]: otherKeyId } }])).rejects.toBeInstanceOf(
      DecryptionFailedError,
    );
    const wrapped = Buffer.from(encoded.metadata![ENCRYPTION_WRAPPED_KEY_METADATA]!);
    wrapped[wrapped.length - 1] ^= 0x01;
    const fresh = new PayloadEncryptionCodec({ keyProvider: new LocalKeyProvider({ path: join(dir, 'kek.json') }) });
    await expect(fresh.decode([{ ...encoded, metadata: { ...encoded.metadata, [ENCRYPTION_WRAPPED_KEY_METADATA]: wrapped } }])).rejects.toBeInstanceOf(
      DecryptionFailedError,
    );
  });

  it('refuses every payload that is not encrypted (plain JSON, null, binary, no encoding) with the typed error', async () => {
    const codec = new PayloadEncryptionCodec({ keyProvider: provider });
    for (const plain of [...payloads(), { metadata: {}, data: Buffer.from('{}') }, {}]) {
      await expect(codec.decode([plain])).rejects.toMatchObject({ name: 'DecryptionFailedError', reason: 'not_encrypted' });
    }
    const [encrypted] = await codec.encode([payloads()[0]]);
    await expect(codec.decode([encrypted, payloads()[0]])).rejects.toMatchObject({ reason: 'not_encrypted' });
  });

  it('encrypts empty and undefined values too, so none of our own payloads is refused', async () => {
    const codec = new PayloadEncryptionCodec({ keyProvider: provider });
    const encoded = await codec.encode([defaultPayloadConverter.toPayload(undefined), defaultPayloadConverter.toPayload(null), defaultPayloadConverter.toPayload('')]);
    for (const payload of encoded) expect(text(payload.metadata?.encoding)).toBe(ENCRYPTED_PAYLOAD_ENCODING);
    expect((await codec.decode(encoded)).map((payload) => defaultPayloadConverter.fromPayload(payload))).toEqual([undefined, null, '']);
  });

  it('in the worker, turns a refused payload into one no payload converter reads, and keeps authentic ones', async () => {
    const worker = new WorkerPayloadCodec(new PayloadEncryptionCodec({ keyProvider: provider }));
    const [authentic] = await worker.encode([payloads()[0]]);
    const [decoded, refused] = await worker.decode([authentic, payloads()[0]]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ tenantId: 't-1', refreshToken: secretValue });
    expect(text(refused.metadata?.encoding)).toBe(REFUSED_PAYLOAD_ENCODING);
    expect(text(refused.metadata?.[REFUSAL_REASON_METADATA])).toBe('not_encrypted');
    expect(() => defaultPayloadConverter.fromPayload(refused)).toThrow(/Unknown encoding/);
  });

  it('decodes in another process (another codec instance) and after a KEK rotation', async () => {
    const worker = new PayloadEncryptionCodec({ keyProvider: provider });
    const before = await worker.encode(payloads());
    await new LocalKeyProvider({ path: join(dir, 'kek.json') }).rotate();

    const api = new PayloadEncryptionCodec({ keyProvider: new LocalKeyProvider({ path: join(dir, 'kek.json') }) });
    const after = await api.encode(payloads());
    expect(text(after[0].metadata![ENCRYPTION_KEY_ID_METADATA])).toContain('#2#');
    for (const batch of [before, after]) {
      for (const codec of [worker, api]) {
        const [decoded] = await codec.decode(batch);
        expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ tenantId: 't-1', refreshToken: secretValue });
      }
    }
  });

  it('moves to a new data key (and the active KEK version) when the current one expires', async () => {
    let now = 0;
    const codec = new PayloadEncryptionCodec({ keyProvider: provider, dataKeyLifetimeMs: 1_000, now: () => now });
    const keyIdOf = async () => text((await codec.encode([payloads()[1]]))[0].metadata![ENCRYPTION_KEY_ID_METADATA]);
    const first = await keyIdOf();
    expect(await keyIdOf()).toBe(first);
    await provider.rotate();
    now = 1_000;
    const second = await keyIdOf();
    expect(second).not.toBe(first);
    expect(second).toContain('#2#');
  });

  it('generates one data key for concurrent first encodes', async () => {
    const generate = jest.spyOn(provider, 'generateDataKey');
    const codec = new PayloadEncryptionCodec({ keyProvider: provider });
    await Promise.all(Array.from({ length: 10 }, () => codec.encode(payloads())));
    expect(generate).toHaveBeenCalledTimes(1);
  });
});
