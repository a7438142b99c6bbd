import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * Argon2id at OWASP's Password Storage Cheat Sheet minimum (m=19 MiB, t=2, p=1). The PHC string carries its
 * parameters, so raising them later still verifies older hashes.
 */
// algorithm 2 is Algorithm.Argon2id, a const enum that isolated modules cannot read.
export const ARGON2ID_PARAMETERS: Options = { algorithm: 2, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_PARAMETERS);
}

/** A hash of nothing anyone knows, verified when there is no account, so that answer takes as long as a real one. */
let dummyHash: Promise<string> | undefined;

/**
 * Whether the password matches the stored hash. With no hash (unknown email, invitation not accepted) the
 * dummy hash is verified instead and the answer is false, so the time taken does not tell the cases apart.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword(`no account ${Math.random()}`);
    await verify(await dummyHash, password);
    return false;
  }
  return verify(storedHash, password);
}
