import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadTemporalConfig } from '../../libs/config/app-config';
import { temporalConnectionOptions } from '../../libs/temporal/connection-options';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n';

describe('Temporal TLS settings', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const load = (env: Record<string, string>) => loadTemporalConfig({ TEMPORAL_ADDRESS: 'temporal.example:7233', ...env });
  const refusal = (env: Record<string, string>) => {
    try {
      load(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'custodian-tls-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('connects in plaintext when no TEMPORAL_TLS_* is set', () => {
    expect(temporalConnectionOptions(load({}))).toEqual({ address: 'temporal.example:7233' });
  });

  it('reads the client certificate, key, CA and server name into the options both connections take', () => {
    const options = temporalConnectionOptions(
      load({ TEMPORAL_TLS_CERT: file('c.pem', CERT), TEMPORAL_TLS_KEY: file('k.pem', KEY), TEMPORAL_TLS_CA: file('ca.pem', CERT), TEMPORAL_TLS_SERVER_NAME: 'frontend.internal' }),
    );
    expect(options).toEqual({
      address: 'temporal.example:7233',
      tls: { clientCertPair: { crt: Buffer.from(CERT), key: Buffer.from(KEY) }, serverRootCACertificate: Buffer.from(CERT), serverNameOverride: 'frontend.internal' },
    });
    expect(temporalConnectionOptions(load({ TEMPORAL_TLS_CA: file('ca.pem', CERT) })).tls).toEqual({ serverRootCACertificate: Buffer.from(CERT) });
  });

  it('refuses a certificate without its key (and a key without its certificate)', () => {
    expect(refusal({ TEMPORAL_TLS_CERT: file('c.pem', CERT) })).toBe('TEMPORAL_TLS_CERT is set without TEMPORAL_TLS_KEY: mTLS needs the client certificate and its private key');
    expect(refusal({ TEMPORAL_TLS_KEY: file('k.pem', KEY) })).toMatch(/^TEMPORAL_TLS_KEY is set without TEMPORAL_TLS_CERT/);
  });

  it('names the setting and the file that cannot be read or holds no PEM', () => {
    const missing = join(dir, 'missing.pem');
    expect(refusal({ TEMPORAL_TLS_CERT: missing, TEMPORAL_TLS_KEY: file('k.pem', KEY) })).toBe(`TEMPORAL_TLS_CERT names ${missing}, which cannot be read (ENOENT)`);
    expect(refusal({ TEMPORAL_TLS_CERT: file('c.pem', CERT), TEMPORAL_TLS_KEY: file('wrong.pem', CERT) })).toMatch(/^TEMPORAL_TLS_KEY names .*wrong\.pem, which holds no PEM private key$/);
    expect(refusal({ TEMPORAL_TLS_CA: dir })).toMatch(/^TEMPORAL_TLS_CA names .* which cannot be read \(EISDIR\)$/);
  });
});
