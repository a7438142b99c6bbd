import { createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { AwsKmsKeyProvider } from '../libs/crypto/aws-kms-key-provider';
import { cipherContextAad, type CipherContext } from '../libs/crypto/encryption-context';
import { EnvelopeEncryption, type StoredDataKey } from '../libs/crypto/envelope-encryption';
import { splitEnvelope } from '../libs/crypto/envelope-format';
import { startFakeKms } from '../test/fakes/kms/fake-kms-server';

/**
 * Decrypt throughput of stored credentials: EnvelopeEncryption (header parse, context AAD, cached data
 * key, AES-256-GCM) against bare node:crypto AES-256-GCM on the same stored records, side by side in one
 * run, for both storage forms (bytea bytes, base64url text). The raw side has the key in hand, the AAD
 * precomputed and the layout fixed. Data keys come from AwsKmsKeyProvider over real HTTP to the fake KMS,
 * so KMS round trips are counted, not assumed. The last line is `ratio <ours/raw throughput>`.
 */
const records = 10_000;
const distinctDataKeys = 16;
const trials = 40;
const sliceSize = 2_500;
const batchSize = 100;
const forms = ['bytes', 'text'] as const;
type Form = (typeof forms)[number];
const variants = ['raw', 'decrypt', 'decryptMany'] as const;
type Variant = (typeof variants)[number];

interface BenchRecord {
  /** As stored in a text column (base64url). */
  text: string;
  /** The same envelope as stored in a bytea column. */
  bytes: Buffer;
  context: CipherContext;
  dataKey: StoredDataKey;
  /** For the raw side: the plaintext data key, the encoded AAD, and where the IV starts. */
  key: Buffer;
  aad: Buffer[];
  ivAt: number;
}

async function main(): Promise<void> {
  const kms = await startFakeKms();
  const clients: KMSClient[] = [];
  const kmsClient = () => {
    const client = new KMSClient({ endpoint: kms.endpoint, region: kms.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    clients.push(client);
    return client;
  };
  try {
    const admin = kmsClient();
    const keyId = (await admin.send(new CreateKeyCommand({ Description: 'bench KEK' }))).KeyMetadata!.KeyId!;
    await admin.send(new CreateAliasCommand({ AliasName: 'alias/custodian-bench', TargetKeyId: keyId }));
    const bench = await writeRecords(new AwsKmsKeyProvider({ client: kmsClient(), keyId: 'alias/custodian-bench' }));

    // A worker process starting up: its provider resolves the alias once (the start-up KMS check).
    const readerProvider = new AwsKmsKeyProvider({ client: kmsClient(), keyId: 'alias/custodian-bench' });
    await readerProvider.activeKeyVersion();
    const reader = new EnvelopeEncryption(readerProvider);
    kms.resetCounts();
    const expected = await run(reader, bench, 'text', 'decrypt');
    const cold = kms.requestCounts();
    kms.resetCounts();
    for (const form of forms) {
      for (const variant of variants) {
        if ((await run(reader, bench, form, variant)) !== expected) throw new Error(`${form} ${variant} disagrees with the others`);
      }
    }

    // Paired trials on a shared, noisy machine: each trial times raw and ours back to back on the same
    // slice (alternating which goes first); a ratio is the median of the per-trial ratios.
    const rates = new Map<string, number[]>();
    const ratios = new Map<string, number[]>();
    const push = (map: Map<string, number[]>, key: string, value: number) => map.set(key, [...(map.get(key) ?? []), value]);
    for (let trial = 0; trial < trials; trial++) {
      const from = (trial * sliceSize) % records;
      const slice = bench.slice(from, from + sliceSize);
      for (const form of forms) {
        for (const variant of ['decrypt', 'decryptMany'] as const) {
          const order = trial % 2 ? (['raw', variant] as const) : ([variant, 'raw'] as const);
          const measured: Partial<Record<Variant, number>> = {};
          for (const side of order) measured[side] = await rate(slice.length, () => run(reader, slice, form, side));
          push(rates, `${form} raw`, measured.raw!);
          push(rates, `${form} ${variant}`, measured[variant]!);
          push(ratios, `${form} ${variant}`, measured[variant]! / measured.raw!);
        }
      }
    }
    const warm = kms.totalRequests();
    const timedDecrypts = trials * forms.length * 2 * 2 * sliceSize;

    const meanChars = bench.reduce((sum, r) => sum + r.text.length, 0) / bench.length;
    console.log(`records ${records}, distinct data keys ${distinctDataKeys}, mean stored ciphertext ${Math.round(meanChars)} chars; ${trials} paired trials of ${sliceSize}, medians`);
    console.log(`kms round trips per 10k decrypts, cold cache: ${total(cold) * (10_000 / records)} (${describe(cold)}); distinct data keys: ${distinctDataKeys}`);
    console.log(`kms round trips per 10k decrypts, warm cache: ${(warm / timedDecrypts) * 10_000} (${warm} in ${timedDecrypts} timed decrypts, raw included)`);
    for (const form of forms) {
      for (const variant of variants) {
        const label = { raw: 'raw node:crypto AES-256-GCM', decrypt: 'ours decrypt() per record', decryptMany: `ours decryptMany(), batches of ${batchSize}` }[variant];
        const p50 = await latency(bench, form, variant === 'raw' ? 'raw' : 'decrypt', reader);
        const p50Text = variant === 'decryptMany' ? '' : `, p50 ${p50.toFixed(2)} µs`;
        console.log(`${form.padEnd(5)} ${label.padEnd(38)} ${Math.round(median(rates.get(`${form} ${variant}`)!))} decrypts/s${p50Text}`);
      }
    }
    const ratio = (form: Form, variant: Variant) => median(ratios.get(`${form} ${variant}`)!);
    console.log(`ratio decrypt() per record: bytes ${ratio('bytes', 'decrypt').toFixed(3)}, text ${ratio('text', 'decrypt').toFixed(3)} (one awaited Promise per record; raw is synchronous)`);
    console.log(`ratio decryptMany(): bytes ${ratio('bytes', 'decryptMany').toFixed(3)}, text ${ratio('text', 'decryptMany').toFixed(3)}; last line: the lower of these two`);
    console.log(`ratio ${Math.min(ratio('bytes', 'decryptMany'), ratio('text', 'decryptMany')).toFixed(3)}`);
  } finally {
    for (const client of clients) client.destroy();
    await kms.close();
  }
}

/** The API process: one data key per integration, records encrypted under them. */
async function writeRecords(provider: AwsKmsKeyProvider): Promise<BenchRecord[]> {
  const writer = new EnvelopeEncryption(provider);
  const integrations = await Promise.all(
    Array.from({ length: distinctDataKeys }, async (_, i) => {
      const context = { tenantId: randomUUID(), integrationId: randomUUID(), purpose: i % 2 ? 'jira.oauth-token-set' : 'google.oauth-token-set' };
      const dataKey = await writer.createDataKey(context);
      return { context, dataKey, key: await provider.unwrapDataKey(dataKey.wrappedKey, context) };
    }),
  );
  const bench: BenchRecord[] = [];
  for (let i = 0; i < records; i++) {
    const { context, dataKey, key } = integrations[i % distinctDataKeys];
    const text = await writer.encrypt(tokenSet(), context, dataKey);
    const bytes = Buffer.from(text, 'base64url');
    const { header } = splitEnvelope(bytes);
    bench.push({ text, bytes, context, dataKey, key, aad: [header, cipherContextAad(context)], ivAt: header.length });
  }
  return bench;
}

/** An OAuth token set of realistic size (Jira 3LO access tokens are JWTs of about a kilobyte). */
function tokenSet(): string {
  return JSON.stringify({
    accessToken: randomBytes(600).toString('base64url'),
    refreshToken: randomBytes(90).toString('base64url'),
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    scopes: ['read:jira-work', 'write:jira-work', 'offline_access'],
  });
}

/** Decrypts every record; sums one byte per plaintext to use each result without keeping 10k buffers alive. */
async function run(reader: EnvelopeEncryption, bench: BenchRecord[], form: Form, variant: Variant): Promise<number> {
  let sum = 0;
  if (variant === 'raw') {
    for (let i = 0; i < bench.length; i++) sum += decryptRaw(bench[i], form)[7];
  } else if (variant === 'decrypt') {
    for (let i = 0; i < bench.length; i++) {
      const record = bench[i];
      sum += (await reader.decrypt(record[form], record.context, record.dataKey))[7];
    }
  } else {
    for (let from = 0; from < bench.length; from += batchSize) {
      const batch = bench.slice(from, from + batchSize).map((record) => ({ ciphertext: record[form], context: record.context, dataKey: record.dataKey }));
      for (const plaintext of await reader.decryptMany(batch)) sum += plaintext[7];
    }
  }
  return sum;
}

function decryptRaw(record: BenchRecord, form: Form): Buffer {
  const bytes = form === 'text' ? Buffer.from(record.text, 'base64url') : record.bytes;
  const decipher = createDecipheriv('aes-256-gcm', record.key, bytes.subarray(record.ivAt, record.ivAt + 12), { authTagLength: 16 });
  decipher.setAuthTag(bytes.subarray(record.ivAt + 12, record.ivAt + 28));
  for (const part of record.aad) decipher.setAAD(part);
  const plaintext = decipher.update(bytes.subarray(record.ivAt + 28));
  // GCM's final() only checks the tag (it returns no bytes), so nothing to concatenate.
  decipher.final();
  return plaintext;
}

/** Decrypts per second over one pass. */
async function rate(count: number, pass: () => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint();
  await pass();
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** p50 of single decrypts in microseconds. */
async function latency(bench: BenchRecord[], form: Form, variant: 'raw' | 'decrypt', reader: EnvelopeEncryption): Promise<number> {
  const samples = new Array<number>(bench.length);
  for (let i = 0; i < bench.length; i++) {
    const record = bench[i];
    const started = process.hrtime.bigint();
    if (variant === 'raw') decryptRaw(record, form);
    else await reader.decrypt(record[form], record.context, record.dataKey);
    samples[i] = Number(process.hrtime.bigint() - started) / 1e3;
  }
  return median(samples);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function describe(counts: Record<string, number>): string {
  return Object.entries(counts).map(([operation, n]) => `${operation} ${n}`).join(', ') || 'none';
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
