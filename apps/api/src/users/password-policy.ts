import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../errors/api-error';

export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase, short enough that hashing it costs no more than the parameters say. */
export const MAX_PASSWORD_LENGTH = 256;

/** common-passwords.txt: lower-cased, one a line, after a few comment lines naming its source. */
let commonPasswords: Set<string> | undefined;

function common(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(join(__dirname, 'common-passwords.txt'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return commonPasswords;
}

/** Refuses, with a 400 that says why, a password a person may not choose. */
export function assertAcceptablePassword(password: string): void {
  // Code points, not UTF-16 units: an emoji is one character to the person typing it.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw new ApiError(400, 'bad_request', `the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (length > MAX_PASSWORD_LENGTH) throw new ApiError(400, 'bad_request', `the password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  if (common().has(password.toLowerCase())) {
    throw new ApiError(400, 'bad_request', 'this password is on a list of commonly used passwords; choose another');
  }
}
