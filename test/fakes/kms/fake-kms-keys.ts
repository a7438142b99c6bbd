import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';

/** An error KMS would answer with: the SDK maps `type` to its exception class. */
export class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeKmsKey {
  keyId: string;
  arn: string;
  enabled: boolean;
  createdAt: Date;
  description: string;
  material: Buffer;
}

/**
 * The fake's key store and crypto. Ciphertext blobs are self-describing like real ones:
 *   [0x01][key id, 36 bytes ASCII][IV 12][tag 16][AES-256-GCM ciphertext]
 * with the encryption context (keys sorted) as AAD, so a different context fails to decrypt.
 */
export class FakeKmsKeys {
  private readonly keys = new Map<string, FakeKmsKey>();
  private readonly aliases = new Map<string, string>();

  constructor(
    private readonly region: string,
    private readonly account: string,
  ) {}

  createKey(description = ''): FakeKmsKey {
    const keyId = randomUUID();
    const key: FakeKmsKey = {
      keyId,
      arn: `arn:aws:kms:${this.region}:${this.account}:key/${keyId}`,
      enabled: true,
      createdAt: new Date(),
      description,
      material: randomBytes(32),
    };
    this.keys.set(keyId, key);
    return key;
  }

  setAlias(aliasName: string, targetKeyId: string, mustExist: boolean): void {
    if (!aliasName.startsWith('alias/')) throw new KmsError('ValidationException', 'AliasName must start with alias/');
    if (mustExist && !this.aliases.has(aliasName)) throw new KmsError('NotFoundException', `Alias ${aliasName} is not found.`);
    if (!mustExist && this.aliases.has(aliasName)) throw new KmsError('AlreadyExistsException', `An alias with the name ${aliasName} already exists`);
    this.aliases.set(aliasName, this.resolve(targetKeyId).keyId);
  }

  /** A key id, key ARN, alias name or alias ARN, as KMS accepts them. */
  resolve(keyIdentifier: unknown): FakeKmsKey {
    if (typeof keyIdentifier !== 'string' || keyIdentifier.length === 0) throw new KmsError('ValidationException', 'KeyId is required');
    const aliasMatch = /(?:^|:)(alias\/.+)$/.exec(keyIdentifier);
    const keyId = aliasMatch ? this.aliases.get(aliasMatch[1]) : keyIdentifier.replace(/^arn:aws:kms:[^:]*:[^:]*:key\//, '');
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    if (!key) throw new KmsError('NotFoundException', `Key '${keyIdentifier}' does not exist`);
    return key;
  }

  encrypt(key: FakeKmsKey, plaintext: Buffer, context: unknown): Buffer {
    usable(key);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.material, iv);
    cipher.setAAD(contextAad(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), Buffer.from(key.keyId, 'ascii'), iv, cipher.getAuthTag(), ciphertext]);
  }

  decrypt(blob: Buffer, context: unknown, expectedKey?: FakeKmsKey): { key: FakeKmsKey; plaintext: Buffer } {
    const invalid = () => new KmsError('InvalidCiphertextException', '');
    if (blob.length < 1 + 36 + 12 + 16 || blob[0] !== 1) throw invalid();
    const key = this.keys.get(blob.toString('ascii', 1, 37));
    if (!key) throw invalid();
    if (expectedKey && expectedKey.keyId !== key.keyId) {
      throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify a KMS key that can perform this operation.');
    }
    usable(key);
    const decipher = createDecipheriv('aes-256-gcm', key.material, blob.subarray(37, 49));
    decipher.setAuthTag(blob.subarray(49, 65));
    decipher.setAAD(contextAad(context));
    try {
      return { key, plaintext: Buffer.concat([decipher.update(blob.subarray(65)), decipher.final()]) };
    } catch {
      throw invalid();
    }
  }

  setEnabled(key: FakeKmsKey, enabled: boolean): void {
    key.enabled = enabled;
  }
}

function usable(key: FakeKmsKey): void {
  if (!key.enabled) throw new KmsError('DisabledException', `${key.arn} is disabled.`);
}

function contextAad(context: unknown): Buffer {
  if (context === undefined || context === null) return Buffer.alloc(0);
  if (typeof context !== 'object') throw new KmsError('ValidationException', 'EncryptionContext must be a map');
  const entries = Object.entries(context as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries), 'utf8');
}
