import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createCustodianWorker } from '../../apps/worker/src/custodian-worker';
import { loadTemporalConfig } from '../../libs/config/app-config';
import { ONE_TIME_SECRET_EXPIRY_WORKFLOW, type OneTimeSecretExpiryResult } from '../../libs/contracts';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { temporalConnectionOptions } from '../../libs/temporal/connection-options';
import { custodianDataConverter } from '../../libs/temporal/data-converter';
import { makeTestCertificates, TEST_SERVER_NAME, type TestCertificates } from '../support/test-certificates';
import { appPrisma, testActivityDependencies, testEnv, testPayloadCodec } from '../support/test-environment';

/**
 * A Temporal cluster that demands client certificates: a TLS terminator (Node's tls server, requestCert and
 * rejectUnauthorized, HTTP/2 by ALPN) in front of the dev server's plaintext gRPC port. The product's
 * connections, configured only through TEMPORAL_TLS_*, must get through; others must not.
 */
describe('mTLS to the Temporal frontend (TEMPORAL_TLS_* settings)', () => {
  let dir: string;
  let certs: TestCertificates;
  let proxy: TlsServer;
  let proxyAddress: string;
  let prisma: PrismaClient;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-mtls-'));
    certs = makeTestCertificates(dir);
    const [upstreamHost, upstreamPort] = splitAddress(testEnv().temporalAddress);
    proxy = createTlsServer(
      {
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
        ca: readFileSync(certs.caCert),
        cert: readFileSync(certs.serverCert),
        key: readFileSync(certs.serverKey),
      },
      (secure) => {
        const upstream = connectTcp(upstreamPort, upstreamHost);
        for (const socket of [secure, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            secure.destroy();
            upstream.destroy();
          });
        }
        secure.pipe(upstream).pipe(secure);
      },
    );
    // A refused handshake is the point of one test; the server just drops that socket.
    proxy.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyAddress = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    prisma = appPrisma();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => proxy?.close(resolve));
    await prisma?.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const settings = (extra: Record<string, string> = {}) => ({
    TEMPORAL_ADDRESS: proxyAddress,
    TEMPORAL_TLS_CERT: certs.clientCert,
    TEMPORAL_TLS_KEY: certs.clientKey,
    TEMPORAL_TLS_CA: certs.caCert,
    TEMPORAL_TLS_SERVER_NAME: TEST_SERVER_NAME,
    ...extra,
  });

  it('runs a workflow with a client and a worker that present the configured client certificate', async () => {
    const config = loadTemporalConfig(settings());
    const taskQueue = `mtls-${randomUUID()}`;
    const clientConnection = await Connection.connect(temporalConnectionOptions(config));
    const workerConnection = await NativeConnection.connect(temporalConnectionOptions(config));
    try {
      const client = new Client({ connection: clientConnection, namespace: config.namespace, dataConverter: custodianDataConverter(testPayloadCodec()) });
      const worker = await createCustodianWorker({
        connection: workerConnection,
        namespace: config.namespace,
        taskQueue,
        dependencies: testActivityDependencies(new TenantScopedDatabase(prisma), client),
        payloadCodec: testPayloadCodec(),
        workflowBundlePath: testEnv().workflowBundle,
      });
      const result = await worker.runUntil(
        client.workflow.execute(ONE_TIME_SECRET_EXPIRY_WORKFLOW, { workflowId: `mtls-${randomUUID()}`, taskQueue, args: [] }),
      );
      expect(result as OneTimeSecretExpiryResult).toEqual({ tenantsSwept: expect.any(Number), secretsDestroyed: expect.any(Number) });
    } finally {
      await clientConnection.close();
      await workerConnection.close();
    }
  });

  it('is refused without a client certificate, with one from another CA, and in plaintext', async () => {
    const refused = async (env: Record<string, string>) => {
      const config = loadTemporalConfig(env);
      const outcome = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: 2_000 }).then(
        async (connection) => {
          await connection.close();
          return 'connected';
        },
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(Error);
    };
    await refused(settings({ TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '' }));
    await refused(settings({ TEMPORAL_TLS_CERT: certs.strangerCert, TEMPORAL_TLS_KEY: certs.strangerKey }));
    await refused({ TEMPORAL_ADDRESS: proxyAddress });
    await expect(NativeConnection.connect(temporalConnectionOptions(loadTemporalConfig(settings({ TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '' }))))).rejects.toThrow();
  });
});

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}
