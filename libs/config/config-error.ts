/** A setting is missing or malformed: the process stops at start-up with this message. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
