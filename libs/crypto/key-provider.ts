import type { EncryptionContext } from './encryption-context';

/** A data key wrapped by a KEK: what a data_keys row stores (kek_id, kek_version, wrapped_key). */
export interface WrappedDataKey {
  wrappedKey: Buffer;
  /** Which key ring / KMS key names the KEK (stable across rotations). */
  kekId: string;
  /** Which version of that KEK wrapped this data key; changes when the data key is rewrapped. */
  kekVersion: string;
}

export interface GeneratedDataKey extends WrappedDataKey {
  /** 32 bytes; the caller zero-fills it when done. */
  plaintextKey: Buffer;
}

export interface KeyVersionInfo {
  kekId: string;
  version: string;
  active: boolean;
  /** Retired versions no longer unwrap anything. */
  retired: boolean;
  createdAt?: Date;
  /**
   * When it stopped being the active version (new data keys, Temporal payloads included, went under another
   * from then on); undefined while active, or when the provider cannot tell (AWS KMS does not record when
   * an alias was repointed).
   */
  supersededAt?: Date;
}

/**
 * Whether any data key is still wrapped under a KEK version: true/false, or how many are.
 * The credential store answers this from data_keys (count where kek_version = version).
 */
export type KeyVersionInUse = (version: string) => Promise<boolean | number> | boolean | number;

/** Key-encryption keys held by a KMS: data keys are generated, unwrapped and rewrapped here, never stored. */
export interface KeyProvider {
  /** The KEK version new data keys are wrapped under. */
  activeKeyVersion(): Promise<string>;
  /** A fresh 32-byte data key, and the same key wrapped under the active KEK version, bound to the context. */
  generateDataKey(context: EncryptionContext): Promise<GeneratedDataKey>;
  /** The plaintext data key; DecryptionFailedError when the wrapped key or the context is wrong. */
  unwrapDataKey(wrappedKey: Buffer, context: EncryptionContext): Promise<Buffer>;
  /** The same data key wrapped under `toVersion` (default: active) without exposing it to the caller. */
  rewrapDataKey(wrappedKey: Buffer, context: EncryptionContext, toVersion?: string): Promise<WrappedDataKey>;
  listVersions(): Promise<KeyVersionInfo[]>;
  /** Retires a version nothing uses any more; KeyVersionInUseError when `inUse` says otherwise or it is active. */
  retireVersion(version: string, inUse: KeyVersionInUse): Promise<void>;
}
