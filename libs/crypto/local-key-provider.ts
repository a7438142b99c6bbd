import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { AES_256_KEY_BYTES, openAes256Gcm, sealAes256Gcm } from './aes-256-gcm';
import { DecryptionFailedError } from './decryption-failed-error';
import { assertEncryptionContext, encryptionContextAad, type EncryptionContext } from './encryption-context';
import type { GeneratedDataKey, KeyProvider, KeyVersionInfo, KeyVersionInUse, WrappedDataKey } from './key-provider';
import { assertVersionUnused, KeyVersionInUseError, UnknownKeyVersionError } from './key-version-errors';
import { loadOrCreateLocalKeyRing, newLocalKeyVersion, readLocalKeyRing, writeLocalKeyRing, type LocalKeyRing } from './local-key-file';
import { localWrappedKeyHeader, parseLocalWrappedKey, serializeLocalWrappedKey } from './local-wrapped-key';

export interface LocalKeyProviderOptions {
  /** The JSON key file; created with mode 0600 on first use. */
  path: string;
  now?: () => Date;
}

/**
 * The embedded default: KEKs in a local key file instead of a KMS. kekId is `local:<keyRingId>`,
 * versions are "1", "2", … (one active). Wrapping is AES-256-GCM under the KEK with the encryption
 * context as AAD; the wrapped key names its version (see local-wrapped-key.ts).
 */
export class LocalKeyProvider implements KeyProvider {
  private ring?: LocalKeyRing;
  /** The key file's mtime when `ring` was read for new keys. */
  private ringModifiedMs?: number;
  private readonly now: () => Date;

  constructor(private readonly options: LocalKeyProviderOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async activeKeyVersion(): Promise<string> {
    return (await this.currentKeyRing()).activeVersion;
  }

  async generateDataKey(context: EncryptionContext): Promise<GeneratedDataKey> {
    assertEncryptionContext(context);
    const ring = await this.currentKeyRing();
    const plaintextKey = randomBytes(AES_256_KEY_BYTES);
    return { plaintextKey, ...this.wrap(ring, ring.activeVersion, plaintextKey, context) };
  }

  async unwrapDataKey(wrappedKey: Buffer, context: EncryptionContext): Promise<Buffer> {
    assertEncryptionContext(context);
    const parsed = parseLocalWrappedKey(wrappedKey);
    const kek = await this.kekFor(parsed.kekVersion);
    const key = openAes256Gcm(kek, parsed.iv, parsed.tag, parsed.ciphertext, [parsed.header, encryptionContextAad(context)]);
    kek.fill(0);
    if (!key) throw new DecryptionFailedError('unwrap_failed', 'the wrapped data key does not open with this KEK and context');
    return key;
  }

  async rewrapDataKey(wrappedKey: Buffer, context: EncryptionContext, toVersion?: string): Promise<WrappedDataKey> {
    const key = await this.unwrapDataKey(wrappedKey, context);
    try {
      const ring = await this.keyRing();
      return this.wrap(ring, toVersion ?? ring.activeVersion, key, context);
    } finally {
      key.fill(0);
    }
  }

  /**
   * Adds a new KEK version and makes it active, recording when the old one was superseded (retiring it must
   * wait for the Temporal payloads encoded under it); existing data keys still unwrap under their version.
   */
  async rotate(): Promise<string> {
    const ring = await this.reload();
    const next = String(Math.max(0, ...ring.versions.map((v) => Number(v.version) || 0)) + 1);
    const now = this.now();
    const versions = ring.versions.map((v) => (v.version === ring.activeVersion ? { ...v, supersededAt: now.toISOString() } : v));
    const updated: LocalKeyRing = { ...ring, activeVersion: next, versions: [...versions, newLocalKeyVersion(next, now)] };
    await writeLocalKeyRing(this.options.path, updated);
    this.ring = updated;
    return next;
  }

  async listVersions(): Promise<KeyVersionInfo[]> {
    const ring = await this.reload();
    const kekId = `local:${ring.keyRingId}`;
    return ring.versions.map((v, index) => {
      const active = v.version === ring.activeVersion;
      // Key files written before supersededAt was recorded: the next version was made active when it was created.
      const supersededAt = v.supersededAt ?? (active ? undefined : ring.versions[index + 1]?.createdAt);
      return {
        kekId,
        version: v.version,
        active,
        retired: v.key === undefined,
        createdAt: new Date(v.createdAt),
        ...(supersededAt ? { supersededAt: new Date(supersededAt) } : {}),
      };
    });
  }

  /** Erases the version's key material from the file; anything still wrapped under it is lost, hence the checks. */
  async retireVersion(version: string, inUse: KeyVersionInUse): Promise<void> {
    const ring = await this.reload();
    const entry = ring.versions.find((v) => v.version === version);
    if (!entry) throw new UnknownKeyVersionError(version);
    if (version === ring.activeVersion) throw new KeyVersionInUseError(version, 'it is the active version; rotate first');
    if (entry.key === undefined) return;
    await assertVersionUnused(version, inUse);
    const updated: LocalKeyRing = {
      ...ring,
      versions: ring.versions.map((v) => (v.version === version ? { version, createdAt: v.createdAt, supersededAt: v.supersededAt, retiredAt: this.now().toISOString() } : v)),
    };
    await writeLocalKeyRing(this.options.path, updated);
    this.ring = updated;
  }

  private wrap(ring: LocalKeyRing, version: string, key: Buffer, context: EncryptionContext): WrappedDataKey {
    const kek = kekBytes(ring, version);
    try {
      const header = localWrappedKeyHeader(version);
      const sealed = sealAes256Gcm(kek, key, [header, encryptionContextAad(context)]);
      return {
        wrappedKey: serializeLocalWrappedKey(header, sealed.iv, sealed.tag, sealed.ciphertext),
        kekId: `local:${ring.keyRingId}`,
        kekVersion: version,
      };
    } finally {
      kek.fill(0);
    }
  }

  /** The KEK for a version, re-reading the file once when it is unknown (another process may have rotated). */
  private async kekFor(version: string): Promise<Buffer> {
    let ring = await this.keyRing();
    if (!ring.versions.some((v) => v.version === version)) ring = await this.reload();
    const entry = ring.versions.find((v) => v.version === version);
    if (!entry) throw new DecryptionFailedError('unknown_key_version', `no KEK version ${version} in this key file`);
    if (entry.key === undefined) throw new DecryptionFailedError('key_version_retired', `KEK version ${version} was retired`);
    return Buffer.from(entry.key, 'base64');
  }

  private async keyRing(): Promise<LocalKeyRing> {
    this.ring ??= await loadOrCreateLocalKeyRing(this.options.path, this.now);
    return this.ring;
  }

  /**
   * The key ring as it is on disk now, for choosing the version new keys go under: a rotation by the operator
   * (keys:rotate, another process) takes effect in running processes at once, so nothing keeps wrapping under
   * a superseded version that someone will retire after its payloads have aged out.
   */
  private async currentKeyRing(): Promise<LocalKeyRing> {
    if (!this.ring) return this.keyRing();
    const modifiedMs = (await stat(this.options.path).catch(() => undefined))?.mtimeMs;
    if (modifiedMs !== this.ringModifiedMs) {
      await this.reload();
      this.ringModifiedMs = modifiedMs;
    }
    return this.ring;
  }

  private async reload(): Promise<LocalKeyRing> {
    const ring = this.ring ? await readLocalKeyRing(this.options.path) : await loadOrCreateLocalKeyRing(this.options.path, this.now);
    // A key file that disappears after use is an incident, not a reason to start a new key ring.
    if (!ring) throw new Error(`key file ${this.options.path} is gone; restore it from backup`);
    this.ring = ring;
    return ring;
  }
}

function kekBytes(ring: LocalKeyRing, version: string): Buffer {
  const entry = ring.versions.find((v) => v.version === version);
  if (!entry) throw new UnknownKeyVersionError(version);
  if (entry.key === undefined) throw new UnknownKeyVersionError(version, 'it is retired and cannot wrap keys');
  return Buffer.from(entry.key, 'base64');
}
