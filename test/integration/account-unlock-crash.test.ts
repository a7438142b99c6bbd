import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { AuditTrail } from '../../libs/audit';
import { repoRoot } from '../../libs/config/repo-root';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import { ACCOUNT_UNLOCK_WORKFLOW, CUSTODIAN_TASK_QUEUE, googleOperationWorkflowId, type GoogleOperationInput, type GoogleOperationState } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { connectTenantToGoogle, googleSimulatorEnv, insertTicket, simulatorOAuth } from '../support/google-workspace';
import { appPrisma, insertTenant, ownerConnection, startTestWorker, temporalClient } from '../support/test-environment';

const DOMAIN = 'acme.example';
const USER = `olly@${DOMAIN}`;

/**
 * Google lifts the suspension, and the worker dies (SIGKILL) before it hears back. The retry finds the user no
 * longer suspended: the unlock completes, and the trail still has the one success event Google's change is owed
 * (before: none, an unsuspension at Google with no record of it). Found by the chaos run.
 */
describe('account unlock survives a worker killed after Google lifted the suspension', () => {
  let google: GoogleWorkspaceSimulator;
  let prisma: PrismaClient;
  let owner: PgClient;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    prisma = appPrisma();
    owner = await ownerConnection();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await owner?.end();
    await prisma?.$disconnect();
    await google?.stop();
  });

  it('completes with the user unsuspended once at Google and one success event', async () => {
    const db = new TenantScopedDatabase(prisma);
    const credentials = new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv()));
    const tenantId = await insertTenant(owner);
    await connectTenantToGoogle(credentials, google, tenantId, DOMAIN);
    await insertTicket(db, tenantId, 'CT-000001', 'account_unlock');
    expect(google.users.get(USER)?.suspended).toBe(true);

    child = spawn(process.execPath, ['--import', 'jiti/register', join(__dirname, 'fixtures', 'google-worker.process.ts')], {
      cwd: repoRoot(),
      env: { ...process.env, ...googleSimulatorEnv(google) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const firstWorker = child;
    await new Promise<void>((resolve, reject) => {
      firstWorker.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker running') && resolve());
      firstWorker.once('exit', (code) => reject(new Error(`the worker process exited early (${code})`)));
    });
    let killed = false;
    google.beforeAnswering({ method: 'PUT' }, async () => {
      firstWorker.kill('SIGKILL');
      await new Promise((resolve) => firstWorker.once('exit', resolve));
      killed = true;
    });

    const temporal = await temporalClient();
    const input: GoogleOperationInput = { tenantId, ticketRef: 'CT-000001', userEmail: USER, requestedBy: 'api-key:agent-amy', requesterId: 'api-key:0000000a-0000-4000-8000-000000000001' };
    const handle = await temporal.client.workflow.start(ACCOUNT_UNLOCK_WORKFLOW, {
      workflowId: googleOperationWorkflowId('account-unlock', tenantId, 'CT-000001'),
      taskQueue: CUSTODIAN_TASK_QUEUE,
      args: [input],
    });
    const deadline = Date.now() + 30_000;
    while (!killed) {
      if (Date.now() > deadline) throw new Error('the first worker never reached Google');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child = undefined;
    expect(google.users.get(USER)?.suspended).toBe(false);

    const worker = await startTestWorker(db, { google: new GoogleWorkspaceConnections({ credentials, oauth: simulatorOAuth(google), apiRootUrl: google.rootUrl }) });
    let result: GoogleOperationState;
    try {
      result = (await handle.result()) as GoogleOperationState;
    } finally {
      await worker.stop();
      await temporal.close();
    }

    expect(result.step).toBe('completed');
    expect(google.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
    const unsuspended = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'google.user.unsuspended', target: USER } }));
    expect(unsuspended.map((event) => event.outcome)).toEqual(['success']);
    expect(await new AuditTrail(db).verify(tenantId)).toMatchObject({ ok: true });
  }, 120_000);
});
