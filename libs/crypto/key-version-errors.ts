import type { KeyVersionInUse } from './key-provider';

/**
 * A KEK version that may not be retired: it is active, data keys are still wrapped under it, or Temporal
 * histories may still hold payloads encoded under it (then `allowedFrom` says when, if that can be known).
 */
export class KeyVersionInUseError extends Error {
  override readonly name: string = 'KeyVersionInUseError';

  constructor(
    readonly version: string,
    detail: string,
    readonly allowedFrom?: Date,
  ) {
    super(`KEK version ${version} cannot be retired: ${detail}`);
  }
}

/** A KEK version the provider cannot wrap under: never existed, not configured, or retired. */
export class UnknownKeyVersionError extends Error {
  override readonly name = 'UnknownKeyVersionError';

  constructor(
    readonly version: string,
    detail = 'the provider does not hold it',
  ) {
    super(`KEK version ${version} is not usable: ${detail}`);
  }
}

/** Asks `inUse` and refuses when it reports any use; counts appear in the message for the operator. */
export async function assertVersionUnused(version: string, inUse: KeyVersionInUse): Promise<void> {
  const answer = await inUse(version);
  if (answer === true || (typeof answer === 'number' && answer !== 0)) {
    const detail = typeof answer === 'number' ? `${answer} data key(s) are still wrapped under it` : 'data keys are still wrapped under it';
    throw new KeyVersionInUseError(version, `${detail}; rewrap them first`);
  }
}
