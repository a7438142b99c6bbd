import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { repoRoot } from '../../libs/config/repo-root';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import { CUSTODIAN_TASK_QUEUE, googleOperationWorkflowId, PASSWORD_RESET_WORKFLOW, type GoogleOperationState, type PasswordResetInput } from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { OneTimeSecretStore } from '../../libs/secrets/one-time-secret-store';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { connectTenantToGoogle, googleSimulatorEnv, insertTicket, simulatorOAuth } from '../support/google-workspace';
import { appPrisma, insertTenant, ownerConnection, startTestWorker, temporalClient } from '../support/test-environment';

const DOMAIN = 'acme.example';

/**
 * Google accepts the new password, and the worker dies (SIGKILL) before it hears back. Another worker retries
 * the activity: it finds the sealed secret of the first attempt and sends that same password, so the user
 * ends up with exactly one temporary password, the one the one-time link shows.
 */
describe('password reset survives a worker killed after Google accepted the password', () => {
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

  it('ends with one distinct password set, change-at-next-login every time, and one secret that reveals it', async () => {
    const db = new TenantScopedDatabase(prisma);
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const credentials = new CredentialStore(db, encryption);
    const tenantId = await insertTenant(owner);
    await connectTenantToGoogle(credentials, google, tenantId, DOMAIN);
    await insertTicket(db, tenantId, 'CT-000001', 'password_reset');

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
    const input: PasswordResetInput = { tenantId, ticketRef: 'CT-000001', userEmail: `jane@${DOMAIN}`, requestedBy: 'api-key:agent-amy', requesterId: 'api-key:0000000a-0000-4000-8000-000000000001', signOut: false };
    const handle = await temporal.client.workflow.start(PASSWORD_RESET_WORKFLOW, {
      workflowId: googleOperationWorkflowId('password-reset', tenantId, 'CT-000001'),
      taskQueue: CUSTODIAN_TASK_QUEUE,
      args: [input],
    });

    const deadline = Date.now() + 30_000;
    while (!killed) {
      if (Date.now() > deadline) throw new Error('the first worker never reached Google');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child = undefined;
    expect(google.passwordsSet).toHaveLength(1);

    const oauth = simulatorOAuth(google);
    const worker = await startTestWorker(db, { google: new GoogleWorkspaceConnections({ credentials, oauth, apiRootUrl: google.rootUrl }) });
    let result: GoogleOperationState;
    try {
      result = (await handle.result()) as GoogleOperationState;
    } finally {
      await worker.stop();
      await temporal.close();
    }

    expect(result.step).toBe('completed');
    const sets = google.passwordsSet.filter((set) => set.userKey === `jane@${DOMAIN}`);
    expect(new Set(sets.map((set) => set.password)).size).toBe(1);
    expect(sets.length).toBeLessThanOrEqual(2);
    expect(sets.every((set) => set.changePasswordAtNextLogin === true)).toBe(true);

    const secretRows = await db.withTenant(tenantId, (tx) => tx.oneTimeSecret.findMany({ where: { tenantId } }));
    expect(secretRows).toHaveLength(1);
    expect(secretRows[0]).toMatchObject({ id: result.secretId, appliedAt: expect.any(Date) });
    const secrets = new OneTimeSecretStore(db, encryption);
    const link = await secrets.pendingLink(tenantId, result.secretId!);
    const revealed = await secrets.reveal(link!.token, 'test');
    expect(revealed.kind === 'revealed' && revealed.value.reveal()).toBe(sets[0].password);

    // The first attempt is on record through the secret's creation, the retry through its own event.
    const trail = await db.withTenant(tenantId, (tx) =>
      tx.auditEvent.findMany({ where: { action: { in: ['secret.created', 'google.user.password_set_attempted', 'google.user.password_set'] } }, orderBy: { seq: 'asc' } }),
    );
    expect(trail.map((event) => `${event.action} ${event.outcome}`)).toEqual(['secret.created success', 'google.user.password_set_attempted pending', 'google.user.password_set success']);
  }, 120_000);
});
