import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { freePort, isPortFree } from '../../libs/config/free-port';
import { CUSTODIAN_SEARCH_ATTRIBUTES, ensureTemporalCli, startTemporalDevServer, type TemporalDevServer } from '../../libs/temporal/dev-tools';
import { echo } from './fixtures/echo.workflow';

const namespace = 'custodian-test';
const taskQueue = 'dev-server-test';
const [tenantId] = CUSTODIAN_SEARCH_ATTRIBUTES;
/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD */
const keyword = 2;

describe('Temporal dev server (temporal server start-dev)', () => {
  let dir: string;
  let server: TemporalDevServer | undefined;

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    // The first run builds the CLI from source (minutes).
    await ensureTemporalCli({ log: (line) => console.log(line) });
    dir = await mkdtemp(join(tmpdir(), 'custodian-temporal-'));
  }, 15 * 60_000);

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs a workflow with a real worker, knows the Custodian search attributes, and stops for good', async () => {
    server = await startTemporalDevServer({ dbFilename: join(dir, 'run.db'), namespace, headless: true });
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.uiUrl).toBeUndefined();

    const connection = await Connection.connect({ address: server.address });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      expect(customAttributes).toMatchObject({ TenantId: keyword, TicketRef: keyword });

      const worker = await Worker.create({
        connection: nativeConnection,
        namespace,
        taskQueue,
        workflowsPath: require.resolve('./fixtures/echo.workflow'),
      });
      const client = new Client({ connection, namespace });
      const result = await worker.runUntil(
        client.workflow.execute(echo, {
          args: ['hello'],
          taskQueue,
          workflowId: 'echo-1',
          typedSearchAttributes: [{ key: tenantId, value: 'tenant-a' }],
        }),
      );
      expect(result).toBe('hello');
      expect(await eventually(() => client.workflow.count(`TenantId = 'tenant-a'`), ({ count }) => count === 1)).toMatchObject({ count: 1 });
    } finally {
      await nativeConnection.close();
      await connection.close();
    }

    const { pid } = server;
    const port = Number(server.address.split(':')[1]);
    await server.stop();
    server = undefined;
    expect(isAlive(pid)).toBe(false);
    expect(await isPortFree(port)).toBe(true);
  });

  it('restarts on an existing db file with its Web UI, registering search attributes the file lacks', async () => {
    const dbFilename = join(dir, 'restart.db');
    // A db file whose namespace was created before the Custodian search attributes existed.
    const cli = await ensureTemporalCli();
    const port = await freePort();
    const bare = spawn(cli, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', dbFilename, '--namespace', namespace], {
      stdio: 'ignore',
    });
    // start-dev writes the namespace into the file before the frontend listens.
    while (await isPortFree(port)) await new Promise((resolve) => setTimeout(resolve, 100));
    bare.kill('SIGTERM');
    await new Promise((resolve) => bare.once('close', resolve));

    for (let start = 1; start <= 2; start++) {
      server = await startTemporalDevServer({ dbFilename, namespace });
      const connection = await Connection.connect({ address: server.address });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        expect(customAttributes).toMatchObject({ TenantId: keyword, TicketRef: keyword });
      } finally {
        await connection.close();
      }
      const ui = await fetch(server.uiUrl!);
      expect(ui.status).toBe(200);
      await server.stop();
      server = undefined;
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Visibility is updated asynchronously: polls `read` until `done` holds or 10 s pass. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
