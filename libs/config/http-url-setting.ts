import { ConfigError } from './config-error';

/** The http(s) URL a setting names, or undefined when it is unset; anything else stops start-up with its name. */
export function httpUrlSetting(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name} must be an http(s) URL`);
  return value;
}
