import { randomInt } from 'node:crypto';
import { Secret } from '../crypto/secret';

const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#$%*+-=?@^_';
const ALL = LOWER + UPPER + DIGITS + SYMBOLS;
const LENGTH = 20;

/**
 * A strong temporary password: 20 characters from a CSPRNG (about 125 bits), at least one of each class so
 * any Workspace password policy accepts it, and no look-alike characters (0/O, 1/l/I) for whoever types it.
 */
export function generateTemporaryPassword(): Secret {
  const required = [LOWER, UPPER, DIGITS, SYMBOLS].map(pick);
  const rest = Array.from({ length: LENGTH - required.length }, () => pick(ALL));
  const characters = [...required, ...rest];
  for (let i = characters.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [characters[i], characters[j]] = [characters[j], characters[i]];
  }
  return new Secret(characters.join(''));
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)];
}
