import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate from a CA the server does not trust. */
  strangerCert: string;
  strangerKey: string;
}

/** The name in the server certificate (not the host it listens on, so clients must set the server name). */
export const TEST_SERVER_NAME = 'temporal.custodian.test';

/** A CA, a server certificate for TEST_SERVER_NAME and client certificates, made with the openssl CLI into `dir`. */
export function makeTestCertificates(dir: string): TestCertificates {
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const newKey = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path(name));
  const selfSignedCa = (name: string, subject: string) => {
    newKey(`${name}.key`);
    openssl('req', '-x509', '-new', '-key', path(`${name}.key`), '-out', path(`${name}.crt`), '-days', '2', '-subj', subject,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  };
  const issue = (name: string, ca: string, subject: string, extensions: string) => {
    newKey(`${name}.key`);
    openssl('req', '-new', '-key', path(`${name}.key`), '-out', path(`${name}.csr`), '-subj', subject);
    writeFileSync(path(`${name}.ext`), extensions);
    openssl('x509', '-req', '-in', path(`${name}.csr`), '-CA', path(`${ca}.crt`), '-CAkey', path(`${ca}.key`), '-CAcreateserial',
      '-out', path(`${name}.crt`), '-days', '2', '-extfile', path(`${name}.ext`));
  };
  selfSignedCa('ca', '/CN=Custodian test CA');
  selfSignedCa('stranger-ca', '/CN=Somebody else');
  const leaf = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n';
  issue('server', 'ca', `/CN=${TEST_SERVER_NAME}`, `${leaf}extendedKeyUsage=serverAuth\nsubjectAltName=DNS:${TEST_SERVER_NAME}\n`);
  issue('client', 'ca', '/CN=custodian-worker', `${leaf}extendedKeyUsage=clientAuth\n`);
  issue('stranger', 'stranger-ca', '/CN=custodian-worker', `${leaf}extendedKeyUsage=clientAuth\n`);
  return {
    dir,
    caCert: path('ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
    strangerCert: path('stranger.crt'),
    strangerKey: path('stranger.key'),
  };
}
