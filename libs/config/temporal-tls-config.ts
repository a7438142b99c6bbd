import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/**
 * TLS to a Temporal cluster, read from files named by the environment:
 *   TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY   the client certificate and its private key (PEM), for mTLS; both or neither
 *   TEMPORAL_TLS_CA                       the CA that signed the server's certificate (PEM); unset: the system's roots
 *   TEMPORAL_TLS_SERVER_NAME              the name to verify in the server's certificate, when it is not the host
 * Any of them turns TLS on. The shape is the SDK's TLSConfig, for Connection and NativeConnection alike.
 */
export interface TemporalTlsConfig {
  clientCertPair?: { crt: Buffer; key: Buffer };
  serverRootCACertificate?: Buffer;
  serverNameOverride?: string;
}

export function loadTemporalTlsConfig(env: Env): TemporalTlsConfig | undefined {
  const certPath = env.TEMPORAL_TLS_CERT || undefined;
  const keyPath = env.TEMPORAL_TLS_KEY || undefined;
  const caPath = env.TEMPORAL_TLS_CA || undefined;
  const serverName = env.TEMPORAL_TLS_SERVER_NAME || undefined;
  if (!certPath && !keyPath && !caPath && !serverName) return undefined;
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new ConfigError(
      certPath ? 'TEMPORAL_TLS_CERT is set without TEMPORAL_TLS_KEY: mTLS needs the client certificate and its private key' : 'TEMPORAL_TLS_KEY is set without TEMPORAL_TLS_CERT: mTLS needs the client certificate and its private key',
    );
  }
  return {
    ...(certPath && keyPath
      ? { clientCertPair: { crt: pemFile('TEMPORAL_TLS_CERT', certPath, 'CERTIFICATE'), key: pemFile('TEMPORAL_TLS_KEY', keyPath, 'PRIVATE KEY') } }
      : {}),
    ...(caPath ? { serverRootCACertificate: pemFile('TEMPORAL_TLS_CA', caPath, 'CERTIFICATE') } : {}),
    ...(serverName ? { serverNameOverride: serverName } : {}),
  };
}

/** The file's bytes, refused at start-up when unreadable or not the PEM block expected. */
function pemFile(name: string, path: string, label: 'CERTIFICATE' | 'PRIVATE KEY'): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${name} names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(bytes.toString('utf8'))) {
    throw new ConfigError(`${name} names ${path}, which holds no PEM ${label.toLowerCase()}`);
  }
  return bytes;
}
