import { isIP } from 'node:net';
import { ConfigError } from './config-error';

/** Express's own names for address ranges, accepted in a list of trusted proxies. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Which reverse proxies in front of the API may say who the client is (X-Forwarded-For), as Express's
 * `trust proxy` takes it: a number of hops, or the proxies' addresses and subnets. Nothing by default, so a
 * client cannot pick its own address; `true` (trust every hop) is refused for the same reason.
 */
export function trustProxySetting(env: Record<string, string | undefined>, name: string): number | string[] {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return 0;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError(`${name} must be a number of proxy hops from 0 to 10, or their addresses; got "${raw}"`);
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!RANGE_NAMES.has(entry) && !isAddressOrSubnet(entry)) {
      throw new ConfigError(
        `${name} holds "${entry}": write the number of proxy hops in front of the API, or the proxies' addresses or subnets (10.0.0.1, 10.0.0.0/8, loopback), comma-separated`,
      );
    }
  }
  return entries;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
