import type { TemporalConfig } from '../config/app-config';

/**
 * What Connection.connect (client) and NativeConnection.connect (worker) need to reach the configured
 * cluster: its address and, when TEMPORAL_TLS_* are set, TLS with the client certificate (mTLS).
 */
export function temporalConnectionOptions(config: Pick<TemporalConfig, 'address' | 'tls'>): { address: string; tls?: TemporalConfig['tls'] } {
  return config.tls ? { address: config.address, tls: config.tls } : { address: config.address };
}
