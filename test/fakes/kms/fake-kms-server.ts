import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeKmsKeys, KmsError, type FakeKmsKey } from './fake-kms-keys';

export interface FakeKmsServer {
  /** http://127.0.0.1:<port>, for `new KMSClient({ endpoint })`. */
  endpoint: string;
  region: string;
  keys: FakeKmsKeys;
  /** Requests answered so far, per operation (e.g. { Decrypt: 3 }). */
  requestCounts(): Record<string, number>;
  totalRequests(): number;
  resetCounts(): void;
  /** Answers every later request this many milliseconds late, as a distant or overloaded KMS would. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

type Handler = (body: Record<string, unknown>) => Record<string, unknown>;

/**
 * A local stand-in for AWS KMS (TrentService, AWS JSON 1.1 protocol) with real AES-256-GCM inside,
 * driven by the real @aws-sdk/client-kms. Signatures are not checked. Operations: CreateKey, DescribeKey,
 * CreateAlias, UpdateAlias, EnableKey, DisableKey, Encrypt, Decrypt, GenerateDataKey, ReEncrypt.
 */
export async function startFakeKms(options: { region?: string; account?: string } = {}): Promise<FakeKmsServer> {
  const region = options.region ?? 'us-east-1';
  const keys = new FakeKmsKeys(region, options.account ?? '111122223333');
  const counts: Record<string, number> = {};
  const handlers = kmsHandlers(keys);
  let latencyMs = 0;

  const server = createServer((request, response) => {
    readBody(request)
      .then((raw) => new Promise<string>((resolve) => setTimeout(() => resolve(raw), latencyMs)))
      .then((raw) => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const operation = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
        counts[operation] = (counts[operation] ?? 0) + 1;
        const handler = handlers[operation];
        if (request.method !== 'POST' || !handler) throw new KmsError('UnknownOperationException', `unknown operation ${target}`);
        let body: Record<string, unknown>;
        try {
          body = raw.length === 0 ? {} : (JSON.parse(raw) as Record<string, unknown>);
        } catch {
          throw new KmsError('SerializationException', 'request body is not JSON');
        }
        reply(response, 200, handler(body));
      })
      .catch((error: unknown) => {
        if (error instanceof KmsError) {
          response.setHeader('x-amzn-ErrorType', error.type);
          reply(response, 400, { __type: error.type, message: error.message });
        } else {
          reply(response, 500, { __type: 'KMSInternalException', message: error instanceof Error ? error.message : String(error) });
        }
      });
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    keys,
    requestCounts: () => ({ ...counts }),
    totalRequests: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    resetCounts: () => {
      for (const operation of Object.keys(counts)) delete counts[operation];
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function kmsHandlers(keys: FakeKmsKeys): Record<string, Handler> {
  return {
    CreateKey: (body) => ({ KeyMetadata: metadata(keys.createKey(typeof body.Description === 'string' ? body.Description : '')) }),
    DescribeKey: (body) => ({ KeyMetadata: metadata(keys.resolve(body.KeyId)) }),
    CreateAlias: (body) => {
      keys.setAlias(String(body.AliasName), String(body.TargetKeyId), false);
      return {};
    },
    UpdateAlias: (body) => {
      keys.setAlias(String(body.AliasName), String(body.TargetKeyId), true);
      return {};
    },
    EnableKey: (body) => {
      keys.setEnabled(keys.resolve(body.KeyId), true);
      return {};
    },
    DisableKey: (body) => {
      keys.setEnabled(keys.resolve(body.KeyId), false);
      return {};
    },
    Encrypt: (body) => {
      const key = keys.resolve(body.KeyId);
      const blob = keys.encrypt(key, blobParam(body.Plaintext, 'Plaintext'), body.EncryptionContext);
      return { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    Decrypt: (body) => {
      const expected = body.KeyId === undefined ? undefined : keys.resolve(body.KeyId);
      const { key, plaintext } = keys.decrypt(blobParam(body.CiphertextBlob, 'CiphertextBlob'), body.EncryptionContext, expected);
      return { Plaintext: plaintext.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    GenerateDataKey: (body) => {
      const key = keys.resolve(body.KeyId);
      const size = body.KeySpec === 'AES_256' ? 32 : body.KeySpec === 'AES_128' ? 16 : Number(body.NumberOfBytes);
      if (!Number.isInteger(size) || size < 1 || size > 1024) throw new KmsError('ValidationException', 'KeySpec or NumberOfBytes is required');
      const plaintext = randomBytes(size);
      const blob = keys.encrypt(key, plaintext, body.EncryptionContext);
      return { Plaintext: plaintext.toString('base64'), CiphertextBlob: blob.toString('base64'), KeyId: key.arn };
    },
    ReEncrypt: (body) => {
      const expected = body.SourceKeyId === undefined ? undefined : keys.resolve(body.SourceKeyId);
      const source = keys.decrypt(blobParam(body.CiphertextBlob, 'CiphertextBlob'), body.SourceEncryptionContext, expected);
      const destination = keys.resolve(body.DestinationKeyId);
      const blob = keys.encrypt(destination, source.plaintext, body.DestinationEncryptionContext);
      source.plaintext.fill(0);
      return {
        CiphertextBlob: blob.toString('base64'),
        SourceKeyId: source.key.arn,
        KeyId: destination.arn,
        SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
  };
}

function metadata(key: FakeKmsKey): Record<string, unknown> {
  return {
    AWSAccountId: key.arn.split(':')[4],
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.createdAt.getTime() / 1000,
    Enabled: key.enabled,
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: key.enabled ? 'Enabled' : 'Disabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    KeySpec: 'SYMMETRIC_DEFAULT',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  };
}

function blobParam(value: unknown, name: string): Buffer {
  if (typeof value !== 'string' || value.length === 0) throw new KmsError('ValidationException', `${name} is required`);
  return Buffer.from(value, 'base64');
}

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(json), 'x-amzn-RequestId': randomUUID() });
  response.end(json);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}
