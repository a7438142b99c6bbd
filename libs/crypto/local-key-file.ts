import { randomBytes, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AES_256_KEY_BYTES } from './aes-256-gcm';

/**
 * The local provider's key ring on disk (JSON, mode 0600):
 *   { "format": "custodian-local-kek/v1", "keyRingId": "<uuid>", "activeVersion": "2",
 *     "versions": [{ "version": "1", "createdAt": "…", "supersededAt": "…", "retiredAt": "…" }, // retired: key erased
 *                  { "version": "2", "createdAt": "…", "key": "<32 bytes, base64>" }] }
 */
export interface LocalKeyRing {
  format: typeof LOCAL_KEY_FILE_FORMAT;
  keyRingId: string;
  activeVersion: string;
  versions: LocalKeyVersion[];
}

export interface LocalKeyVersion {
  version: string;
  createdAt: string;
  /** Base64 KEK; absent once retired. */
  key?: string;
  /** When a rotation made another version active: new data keys stopped being wrapped under this one. */
  supersededAt?: string;
  retiredAt?: string;
}

export const LOCAL_KEY_FILE_FORMAT = 'custodian-local-kek/v1';

/** The key file is readable or writable by someone other than its owner. */
export class KeyFilePermissionError extends Error {
  override readonly name = 'KeyFilePermissionError';
}

/** A new key ring with one active version. */
export function newLocalKeyRing(now: Date): LocalKeyRing {
  return {
    format: LOCAL_KEY_FILE_FORMAT,
    keyRingId: randomUUID(),
    activeVersion: '1',
    versions: [newLocalKeyVersion('1', now)],
  };
}

export function newLocalKeyVersion(version: string, now: Date): LocalKeyVersion {
  return { version, createdAt: now.toISOString(), key: randomBytes(AES_256_KEY_BYTES).toString('base64') };
}

/**
 * The key ring at `path`, created (0600) with a first KEK when the file does not exist.
 * Refuses a file that group or others can access: a KEK anyone on the host can read protects nothing.
 */
export async function loadOrCreateLocalKeyRing(path: string, now: () => Date): Promise<LocalKeyRing> {
  const existing = await readLocalKeyRing(path);
  if (existing) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = await writePrivateTemp(path, newLocalKeyRing(now()));
  try {
    // link() fails when another process created the file meanwhile: then both use that one.
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp);
  }
  const created = await readLocalKeyRing(path);
  if (!created) throw new Error(`key file ${path} vanished right after it was created`);
  return created;
}

/** The key ring at `path`, or undefined when there is no file. */
export async function readLocalKeyRing(path: string): Promise<LocalKeyRing | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new KeyFilePermissionError(
      `key file ${path} has mode ${octal}; it holds key-encryption keys and must be accessible by its owner only (chmod 600 ${path})`,
    );
  }
  return parseLocalKeyRing(await readFile(path, 'utf8'), path);
}

/** Replaces the file atomically (write a 0600 temp file, then rename over). */
export async function writeLocalKeyRing(path: string, ring: LocalKeyRing): Promise<void> {
  const temp = await writePrivateTemp(path, ring);
  await rename(temp, path);
}

async function writePrivateTemp(path: string, ring: LocalKeyRing): Promise<string> {
  const temp = `${path}.${randomUUID()}.tmp`;
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(ring, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask can only remove bits, but an odd umask must not leave it wider than 0600 either.
  await chmod(temp, 0o600);
  return temp;
}

function parseLocalKeyRing(text: string, path: string): LocalKeyRing {
  const invalid = (why: string) => new Error(`key file ${path} is not a valid ${LOCAL_KEY_FILE_FORMAT} key ring: ${why}`);
  let ring: LocalKeyRing;
  try {
    ring = JSON.parse(text) as LocalKeyRing;
  } catch {
    throw invalid('not JSON');
  }
  if (ring?.format !== LOCAL_KEY_FILE_FORMAT) throw invalid('unknown format');
  if (typeof ring.keyRingId !== 'string' || !Array.isArray(ring.versions)) throw invalid('missing keyRingId or versions');
  for (const version of ring.versions) {
    if (version.key !== undefined && Buffer.from(version.key, 'base64').length !== AES_256_KEY_BYTES) {
      throw invalid(`version ${version.version} does not hold a 32-byte key`);
    }
  }
  const active = ring.versions.find((v) => v.version === ring.activeVersion);
  if (!active?.key) throw invalid(`active version ${ring.activeVersion} has no key`);
  return ring;
}
