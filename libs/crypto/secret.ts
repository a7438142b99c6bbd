import { inspect } from 'node:util';

const redacted = '[redacted]';

/**
 * A secret string (token, password, client secret) that prints as "[redacted]" everywhere: String(),
 * template literals, JSON.stringify, util.inspect / console.log, pino. Only reveal() gives the value.
 * The value sits in a private field, so spreading, Object.keys and structuredClone do not copy it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('a Secret wraps a string');
    this.#value = value;
  }

  /** The plaintext; call it at the point of use only (an HTTP header, a KMS-bound encrypt). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return redacted;
  }

  toJSON(): string {
    return redacted;
  }

  [Symbol.toPrimitive](): string {
    return redacted;
  }

  [inspect.custom](): string {
    return redacted;
  }
}
