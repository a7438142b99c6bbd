import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { AuditTrail } from '../../libs/audit';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleWorkspaceConnections } from '../../libs/connectors/google/google-workspace-connections';
import {
  CUSTODIAN_TASK_QUEUE,
  googleOperationWorkflowId,
  PASSWORD_RESET_WORKFLOW,
  TENANT_DELETION_WORKFLOW,
  TENANT_ID_SEARCH_ATTRIBUTE,
  tenantDeletionWorkflowId,
  type GoogleOperationState,
  type PasswordResetInput,
  type TenantDeletionResult,
} from '../../libs/contracts';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { createPrismaClient, TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { markDeletionRequestedWeekAgo } from '../support/deletion-clock';
import { connectTenantToGoogle, insertTicket, simulatorOAuth } from '../support/google-workspace';
import { startRestartablePostgres, useServers, type RestartablePostgres } from '../support/restartable-servers';
import { seedTenantData, tenantRowCounts } from '../support/tenant-data';
import { insertTenant, startTestWorker, temporalClient } from '../support/test-environment';

const DOMAIN = 'acme.example';
const OUTAGE_MS = 20_000;
const TICKETS = 120;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PostgreSQL goes away for 20 s while a password reset has just had Google accept the password (its outcome not
 * yet recorded) and a tenant deletion is half way through its batches. When it is back, both finish: one password
 * at Google, each audit event once and a chain that verifies, every row deleted and counted once.
 */
describe('a 20-second PostgreSQL outage in the middle of a password reset and a deletion batch', () => {
  let dir: string;
  let postgres: RestartablePostgres;
  let restoreEnv: () => void;
  let google: GoogleWorkspaceSimulator;
  let prisma: PrismaClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-postgres-outage-'));
    postgres = await startRestartablePostgres(dir);
    restoreEnv = useServers({ postgres });
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    prisma = createPrismaClient(postgres.appUrl, { poolSize: 5 });
  }, 120_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await google?.stop();
    await postgres?.close();
    restoreEnv?.();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const connect = async (url: string) => {
    const client = new PgClient({ connectionString: url });
    await client.connect();
    return client;
  };

  it('finishes both once the database is back, each step once', async () => {
    const db = new TenantScopedDatabase(prisma);
    const encryption = new EnvelopeEncryption(keyProviderFromEnv());
    const credentials = new CredentialStore(db, encryption);
    const owner = await connect(postgres.ownerUrl);
    let superuser = await connect(postgres.superuserUrl);

    const resetTenant = await insertTenant(owner);
    await connectTenantToGoogle(credentials, google, resetTenant, DOMAIN);
    await insertTicket(db, resetTenant, 'CT-000001', 'password_reset');
    const doomed = await insertTenant(owner);
    const bystander = await insertTenant(owner);
    await seedTenantData(db, owner, doomed, { tickets: TICKETS });
    await seedTenantData(db, owner, bystander, { tickets: 3 });
    await markDeletionRequestedWeekAgo(superuser, doomed, 'api-key:admin');
    const bystanderBefore = await tenantRowCounts(superuser, bystander);
    await Promise.all([owner.end(), superuser.end()]);

    const worker = await startTestWorker(db, {
      google: new GoogleWorkspaceConnections({ credentials, oauth: simulatorOAuth(google), apiRootUrl: google.rootUrl }),
      deletionBatchSize: 2,
    });
    const temporal = await temporalClient();
    try {
      const deletedSoFar = async () => {
        const tombstone = await prisma.tenantTombstone.findUnique({ where: { deletedTenantId: doomed } });
        return Object.values((tombstone?.deletedRows ?? {}) as Record<string, number>).reduce((sum, rows) => sum + Number(rows), 0);
      };
      // The outage starts when Google has taken the new password and before the answer reaches the worker.
      let outage: Promise<void> | undefined;
      let deletedBeforeOutage = 0;
      google.beforeAnswering({ method: 'PUT' }, async () => {
        deletedBeforeOutage = await deletedSoFar();
        await postgres.stop();
        outage = sleep(OUTAGE_MS).then(() => postgres.start());
      });

      const now = Date.now();
      const deletion = await temporal.client.workflow.start(TENANT_DELETION_WORKFLOW, {
        workflowId: tenantDeletionWorkflowId(doomed),
        taskQueue: CUSTODIAN_TASK_QUEUE,
        args: [{ tenantId: doomed, requestedBy: 'api-key:admin', requesterEmail: 'jane@acme.example', requestedAt: new Date(now - 7 * 86_400_000).toISOString(), scheduledAt: new Date(now).toISOString() }],
        typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: doomed }],
      });
      const startedDeleting = Date.now();
      while ((await deletedSoFar()) < 10) {
        if (Date.now() - startedDeleting > 60_000) throw new Error('the deletion never started deleting');
        await sleep(20);
      }

      const input: PasswordResetInput = { tenantId: resetTenant, ticketRef: 'CT-000001', userEmail: `jane@${DOMAIN}`, requestedBy: 'api-key:agent-amy', requesterId: 'api-key:0000000a-0000-4000-8000-000000000001', signOut: false };
      const reset = await temporal.client.workflow.start(PASSWORD_RESET_WORKFLOW, {
        workflowId: googleOperationWorkflowId('password-reset', resetTenant, 'CT-000001'),
        taskQueue: CUSTODIAN_TASK_QUEUE,
        args: [input],
      });
      const [resetResult, deletionResult] = await Promise.all([reset.result() as Promise<GoogleOperationState>, deletion.result() as Promise<TenantDeletionResult>]);
      expect(outage).toBeDefined();
      await outage;

      superuser = await connect(postgres.superuserUrl);
      expect(deletionResult.outcome).toBe('deleted');
      if (deletionResult.outcome !== 'deleted') return;
      // The deletion was still under way when the database went.
      expect(deletedBeforeOutage).toBeGreaterThan(0);
      expect(deletedBeforeOutage).toBeLessThan(deletionResult.certificate.totalRows);
      expect(deletionResult.certificate.deletedRows.tickets).toBe(TICKETS);
      expect(Object.entries(await tenantRowCounts(superuser, doomed)).filter(([, rows]) => rows > 0)).toEqual([]);
      expect(await tenantRowCounts(superuser, bystander)).toEqual(bystanderBefore);
      await superuser.end();

      expect(resetResult.step).toBe('completed');
      const sets = google.passwordsSet.filter((set) => set.userKey === `jane@${DOMAIN}`);
      expect(new Set(sets.map((set) => set.password)).size).toBe(1);
      expect(sets.every((set) => set.changePasswordAtNextLogin === true)).toBe(true);

      const trail = await db.withTenant(resetTenant, (tx) => tx.auditEvent.findMany({ orderBy: { seq: 'asc' } }));
      const keys = trail.map((event) => `${event.action} ${event.target} ${event.outcome}`);
      expect(keys.filter((key) => key.startsWith('google.user.password_set ') && key.endsWith(' success'))).toHaveLength(1);
      expect(keys.filter((key) => key.startsWith('secret.created '))).toHaveLength(1);
      expect(new Set(keys).size).toBe(keys.length);
      expect(await new AuditTrail(db).verify(resetTenant)).toMatchObject({ ok: true, checkedEvents: trail.length });
    } finally {
      await worker.stop();
      await temporal.close();
    }
  }, 240_000);
});
