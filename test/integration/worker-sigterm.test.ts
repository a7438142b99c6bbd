import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { AuditTrail } from '../../libs/audit';
import { repoRoot } from '../../libs/config/repo-root';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import {
  ACCOUNT_UNLOCK_WORKFLOW,
  CUSTODIAN_TASK_QUEUE,
  googleOperationWorkflowId,
  PASSWORD_RESET_WORKFLOW,
  type GoogleOperationInput,
  type GoogleOperationState,
} from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { connectTenantToGoogle, googleSimulatorEnv, insertTicket, simulatorOAuth } from '../support/google-workspace';
import { appPrisma, insertTenant, ownerConnection, startTestWorker, temporalClient } from '../support/test-environment';
import { numberedUserEmail, numberedUsers } from '../support/workspace-users';

const DOMAIN = 'sigterm.example';
/** Resets and unlocks, each for its own user; Google takes GOOGLE_DELAY_MS over each write. */
const OPERATIONS = 12;
const GOOGLE_DELAY_MS = 2_000;

/**
 * The worker gets SIGTERM (a deploy, a scale-down) while Google writes are in flight. It stops taking work, lets the
 * running activities finish within its shutdown grace time, and exits by itself; a new worker does the rest.
 * Nothing is lost (every operation completes) and nothing is done twice: one write per user at Google, one success
 * event per operation in a verifying audit chain.
 */
describe('worker SIGTERM under load', () => {
  let google: GoogleWorkspaceSimulator;
  let prisma: PrismaClient;
  let owner: PgClient;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN, users: numberedUsers(DOMAIN, OPERATIONS) });
    prisma = appPrisma();
    owner = await ownerConnection();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await owner?.end();
    await prisma?.$disconnect();
    await google?.stop();
  });

  it('drains the running activities, exits 0, and the next worker finishes the rest: nothing lost, nothing twice', async () => {
    const db = new TenantScopedDatabase(prisma);
    const credentials = new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv()));
    const tenantId = await insertTenant(owner);
    await connectTenantToGoogle(credentials, google, tenantId, DOMAIN);
    for (let index = 0; index < OPERATIONS; index++) google.delayNext({ method: 'PUT' }, GOOGLE_DELAY_MS);

    child = spawn(process.execPath, ['--import', 'jiti/register', join(__dirname, 'fixtures', 'sigterm-worker.process.ts')], {
      cwd: repoRoot(),
      env: { ...process.env, ...googleSimulatorEnv(google) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const firstWorker = child;
    let output = '';
    firstWorker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => firstWorker.once('exit', (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      firstWorker.stdout!.on('data', () => output.includes('worker running') && resolve());
      void exited.then(({ code }) => reject(new Error(`the worker process exited early (${code})`)));
    });

    const temporal = await temporalClient();
    const handles = [];
    for (let index = 0; index < OPERATIONS; index++) {
      const ref = `CT-${String(index + 1).padStart(6, '0')}`;
      const unlock = index % 2 === 1;
      await insertTicket(db, tenantId, ref, unlock ? 'account_unlock' : 'password_reset');
      const input: GoogleOperationInput = { tenantId, ticketRef: ref, userEmail: numberedUserEmail(DOMAIN, index), requestedBy: 'api-key:agent-amy', requesterId: 'api-key:0000000a-0000-4000-8000-000000000001' };
      handles.push(
        await temporal.client.workflow.start(unlock ? ACCOUNT_UNLOCK_WORKFLOW : PASSWORD_RESET_WORKFLOW, {
          workflowId: googleOperationWorkflowId(unlock ? 'account-unlock' : 'password-reset', tenantId, ref),
          taskQueue: CUSTODIAN_TASK_QUEUE,
          args: [unlock ? input : { ...input, signOut: false }],
        }),
      );
    }

    // SIGTERM while Google holds several writes of this worker.
    const writes = () => google.requests.filter((request) => request.method === 'PUT').length;
    const deadline = Date.now() + 60_000;
    while (writes() < 3) {
      if (Date.now() > deadline) throw new Error('the worker never reached Google');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const termAt = Date.now();
    firstWorker.kill('SIGTERM');
    const { code, signal } = await exited;
    child = undefined;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output).toContain('worker drained');
    // It waited for the writes it had in flight (each takes GOOGLE_DELAY_MS at Google), not for the whole grace time.
    expect(Date.now() - termAt).toBeLessThan(25_000);
    const writesByFirstWorker = writes();

    const worker = await startTestWorker(db, { google: new GoogleWorkspaceConnections({ credentials, oauth: simulatorOAuth(google), apiRootUrl: google.rootUrl }) });
    let results: GoogleOperationState[];
    try {
      results = (await Promise.all(handles.map((handle) => handle.result()))) as GoogleOperationState[];
    } finally {
      await worker.stop();
      await temporal.close();
    }
    expect(writesByFirstWorker).toBeGreaterThanOrEqual(3);
    expect(results.map((result) => result.step)).toEqual(Array(OPERATIONS).fill('completed'));

    const trail = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ orderBy: { seq: 'asc' } }));
    for (let index = 0; index < OPERATIONS; index++) {
      const email = numberedUserEmail(DOMAIN, index);
      const putsForUser = google.requests.filter((request) => request.method === 'PUT' && decodeURIComponent(request.path).includes(email));
      expect({ email, writes: putsForUser.length }).toEqual({ email, writes: 1 });
      const action = index % 2 === 1 ? 'google.user.unsuspended' : 'google.user.password_set';
      expect({ email, events: trail.filter((event) => event.action === action && event.target === email && event.outcome === 'success').length }).toEqual({ email, events: 1 });
      if (index % 2 === 1) expect(google.users.get(email)?.suspended).toBe(false);
    }
    expect(google.passwordsSet.every((set) => set.changePasswordAtNextLogin === true)).toBe(true);
    expect(await new AuditTrail(db).verify(tenantId)).toMatchObject({ ok: true, checkedEvents: trail.length });
  }, 180_000);
});
