import {
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  GenerateDataKeyCommand,
  ReEncryptCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { AES_256_KEY_BYTES } from './aes-256-gcm';
import { DecryptionFailedError } from './decryption-failed-error';
import { assertEncryptionContext, kmsEncryptionContext, type EncryptionContext } from './encryption-context';
import type { GeneratedDataKey, KeyProvider, KeyVersionInfo, KeyVersionInUse, WrappedDataKey } from './key-provider';
import { assertVersionUnused, KeyVersionInUseError, UnknownKeyVersionError } from './key-version-errors';

export interface AwsKmsKeyProviderOptions {
  client: KMSClient;
  /**
   * The KEK: an alias (recommended, e.g. "alias/custodian-kek") or a key id / key ARN. Recorded as the
   * kekId of every data key; new data keys go to whatever KMS key it names at the time.
   */
  keyId: string;
  /** Key ids (or ARNs) of earlier KEKs that may still wrap data keys; unwrap refuses any other key. */
  previousKeyIds?: readonly string[];
}

/**
 * Key versions on AWS KMS:
 * - a version is one KMS key, named by its key id (the UUID / "mrk-…" after "key/" in the ARN);
 * - the active version is the key `keyId` resolves to (the alias target, or the key itself);
 * - rotating = create a new KMS key, point the alias at it (UpdateAlias), then rewrap data keys (ReEncrypt
 *   to the alias) and retire the old key once nothing uses it (DisableKey: reversible; scheduling deletion
 *   stays an operator decision);
 * - KMS automatic rotation (new material under the same key id) is transparent and needs no rewrap.
 * Wrapped keys are KMS CiphertextBlobs (they name their key); the encryption context is
 * { tenantId, integrationId }, so a key policy can condition on kms:EncryptionContext:tenantId.
 */
export class AwsKmsKeyProvider implements KeyProvider {
  private readonly client: KMSClient;
  private readonly keyId: string;
  private readonly knownVersions: Set<string>;

  constructor(options: AwsKmsKeyProviderOptions) {
    this.client = options.client;
    this.keyId = options.keyId;
    this.knownVersions = new Set((options.previousKeyIds ?? []).map(versionOf));
    if (!isAlias(options.keyId)) this.knownVersions.add(versionOf(options.keyId));
  }

  /** Resolves the alias with DescribeKey (call it at start-up: it also proves KMS is reachable). */
  async activeKeyVersion(): Promise<string> {
    const { KeyMetadata } = await this.client.send(new DescribeKeyCommand({ KeyId: this.keyId }));
    if (!KeyMetadata?.KeyId) throw new Error(`KMS did not describe ${this.keyId}`);
    this.knownVersions.add(KeyMetadata.KeyId);
    return KeyMetadata.KeyId;
  }

  async generateDataKey(context: EncryptionContext): Promise<GeneratedDataKey> {
    assertEncryptionContext(context);
    const response = await this.client.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: kmsEncryptionContext(context) }),
    );
    if (!response.Plaintext || !response.CiphertextBlob || !response.KeyId) throw new Error('KMS GenerateDataKey returned an incomplete response');
    const version = versionOf(response.KeyId);
    this.knownVersions.add(version);
    return {
      plaintextKey: dataKeyBuffer(response.Plaintext),
      wrappedKey: Buffer.from(response.CiphertextBlob),
      kekId: this.keyId,
      kekVersion: version,
    };
  }

  async unwrapDataKey(wrappedKey: Buffer, context: EncryptionContext): Promise<Buffer> {
    assertEncryptionContext(context);
    const response = await this.client
      .send(new DecryptCommand({ CiphertextBlob: wrappedKey, EncryptionContext: kmsEncryptionContext(context) }))
      .catch(asDecryptionFailure);
    if (!response.Plaintext || !response.KeyId) throw new Error('KMS Decrypt returned an incomplete response');
    const key = dataKeyBuffer(response.Plaintext);
    if (!(await this.isOurs(versionOf(response.KeyId)))) {
      key.fill(0);
      throw new DecryptionFailedError('unknown_key_version', 'the data key is wrapped by a KMS key that is not one of this KEK’s versions');
    }
    return key;
  }

  /** ReEncrypt inside KMS: the plaintext data key never leaves it. */
  async rewrapDataKey(wrappedKey: Buffer, context: EncryptionContext, toVersion?: string): Promise<WrappedDataKey> {
    assertEncryptionContext(context);
    if (toVersion !== undefined && !(await this.isOurs(versionOf(toVersion)))) throw new UnknownKeyVersionError(toVersion);
    const encryptionContext = kmsEncryptionContext(context);
    const response = await this.client
      .send(
        new ReEncryptCommand({
          CiphertextBlob: wrappedKey,
          SourceEncryptionContext: encryptionContext,
          DestinationKeyId: toVersion ?? this.keyId,
          DestinationEncryptionContext: encryptionContext,
        }),
      )
      .catch(asDecryptionFailure);
    if (!response.CiphertextBlob || !response.KeyId || !response.SourceKeyId) throw new Error('KMS ReEncrypt returned an incomplete response');
    if (!(await this.isOurs(versionOf(response.SourceKeyId)))) {
      throw new DecryptionFailedError('unknown_key_version', 'the data key is wrapped by a KMS key that is not one of this KEK’s versions');
    }
    const version = versionOf(response.KeyId);
    this.knownVersions.add(version);
    return { wrappedKey: Buffer.from(response.CiphertextBlob), kekId: this.keyId, kekVersion: version };
  }

  async listVersions(): Promise<KeyVersionInfo[]> {
    const active = await this.activeKeyVersion();
    return Promise.all(
      [...this.knownVersions].map(async (version) => {
        const { KeyMetadata } = await this.client.send(new DescribeKeyCommand({ KeyId: version }));
        return {
          kekId: this.keyId,
          version,
          active: version === active,
          retired: KeyMetadata?.KeyState !== 'Enabled',
          createdAt: KeyMetadata?.CreationDate,
        };
      }),
    );
  }

  /** Disables the KMS key behind `version` (reversible with EnableKey). */
  async retireVersion(version: string, inUse: KeyVersionInUse): Promise<void> {
    const id = versionOf(version);
    if (id === (await this.activeKeyVersion())) throw new KeyVersionInUseError(id, `${this.keyId} still names it; point the alias at a new key first`);
    if (!this.knownVersions.has(id)) throw new UnknownKeyVersionError(id, `not one of ${this.keyId}'s versions`);
    await assertVersionUnused(id, inUse);
    await this.client.send(new DisableKeyCommand({ KeyId: id }));
  }

  /** Whether a KMS key is one of ours; an unknown one may be a new alias target, so the alias is re-resolved once. */
  private async isOurs(version: string): Promise<boolean> {
    return this.knownVersions.has(version) || (await this.activeKeyVersion()) === version;
  }
}

/** "arn:aws:kms:region:account:key/<id>" -> "<id>"; a bare key id stays as it is. */
function versionOf(keyIdOrArn: string): string {
  const marker = keyIdOrArn.lastIndexOf(':key/');
  return marker === -1 ? keyIdOrArn : keyIdOrArn.slice(marker + ':key/'.length);
}

function isAlias(keyId: string): boolean {
  return keyId.startsWith('alias/') || keyId.includes(':alias/');
}

/** A Buffer over the SDK's bytes (no copy, so zero-filling it clears the only copy we hold). */
function dataKeyBuffer(plaintext: Uint8Array): Buffer {
  if (plaintext.length !== AES_256_KEY_BYTES) throw new Error(`KMS returned a ${plaintext.length}-byte data key, expected ${AES_256_KEY_BYTES}`);
  return Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
}

/** KMS's "this ciphertext does not open" errors as the typed failure; outages and access errors stay as they are. */
function asDecryptionFailure(error: unknown): never {
  const name = (error as { name?: unknown })?.name;
  if (name === 'InvalidCiphertextException' || name === 'IncorrectKeyException') {
    throw new DecryptionFailedError('unwrap_failed', 'KMS refused the wrapped data key for this context', { cause: error });
  }
  if (name === 'DisabledException' || name === 'KMSInvalidStateException') {
    throw new DecryptionFailedError('key_version_retired', 'the KMS key that wrapped this data key is disabled', { cause: error });
  }
  throw error;
}
