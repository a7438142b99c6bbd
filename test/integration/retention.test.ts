import { ScheduleOverlapPolicy, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { createRetentionActivities } from '../../activities/retention.activities';
import { ensureWorkerSchedules } from '../../apps/worker/src/worker-schedules';
import { CUSTODIAN_TASK_QUEUE, RETENTION_SCHEDULE_ID, RETENTION_WORKFLOW, type TenantRetentionResult } from '../../libs/contracts';
import { AUDIT_SIGNING_KEY_ID } from '../../libs/audit/audit-head-signer';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { LocalKeyProvider } from '../../libs/crypto/local-key-provider';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { JiraSyncStateStore } from '../../libs/jira-sync/jira-sync-state-store';
import { appPrisma, insertTenant, ownerConnection, ownerQueryAsTenant, startTestWorker, temporalClient } from '../support/test-environment';
import { until } from '../support/until';

const DAY = 24 * 60 * 60 * 1000;

/** Each table's rows of one tenant, by age: what retention must and must not have removed. */
interface Ages {
  raw: number[];
  deliveries: number[];
  notifications: number[];
  connectStates: number[];
}

/**
 * Retention on real PostgreSQL (row-level security, the app role's grants) and the real Temporal dev server:
 * raw Jira responses go after 30 days, operational records after 90, per tenant, counted in each tenant's audit
 * trail; the worker's start makes the Schedule match this release.
 */
describe('retention (Temporal Schedule, real worker and PostgreSQL)', () => {
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let owner: PgClient;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let states: JiraSyncStateStore;
  let keyDir: string;

  beforeAll(async () => {
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    owner = await ownerConnection();
    temporal = await temporalClient();
    states = new JiraSyncStateStore(db, new EnvelopeEncryption(keyProviderFromEnv()));
    keyDir = mkdtempSync(join(tmpdir(), 'custodian-retention-'));
  });

  afterAll(async () => {
    await temporal?.close();
    await owner?.end();
    await prisma?.$disconnect();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** A row in each retained table, stamped `ageDays` before `at` (the database's now unless given). */
  const seed = async (tenantId: string, ageDays: number, at?: Date) => {
    const stamp = `${at ? `'${at.toISOString()}'::timestamptz` : 'now()'} - interval '${ageDays} days'`;
    const state = await states.ensure(tenantId);
    await ownerQueryAsTenant(owner, tenantId, `
      INSERT INTO jira_raw_responses (tenant_id, data_key_id, operation, issue_key, ciphertext, received_at)
      SELECT $1, id, 'issue get', 'DEMO-1', 'sealed', ${stamp} FROM data_keys WHERE integration_id = $2`, [tenantId, state.id]);
    await ownerQueryAsTenant(owner, tenantId, `INSERT INTO jira_webhook_deliveries (tenant_id, identifier, issue_key, received_at) VALUES ($1, $2, 'DEMO-1', ${stamp})`, [tenantId, randomUUID()]);
    await ownerQueryAsTenant(owner, tenantId, `
      INSERT INTO notifications (tenant_id, delivery_key, kind, recipients, subject, body, channel, delivered_at)
      VALUES ($1, $2, 'test.notice', '{jane@acme.example}', 'Notice', 'Body', 'outbox', ${stamp})`, [tenantId, randomUUID()]);
    await ownerQueryAsTenant(owner, tenantId, `
      INSERT INTO oauth_connect_states (nonce_hash, tenant_id, provider, external_account, requested_by, created_at, expires_at)
      VALUES ($1, $2, 'jira', 'https://acme.atlassian.net', 'test', ${stamp}, ${stamp} + interval '10 minutes')`,
      [createHash('sha256').update(randomUUID()).digest('hex'), tenantId]);
  };

  /** The ages (whole days before the database's now) of the tenant's rows, oldest first. */
  const ages = async (tenantId: string): Promise<Ages> => {
    const read = async (table: string, column: string) =>
      (await ownerQueryAsTenant(owner, tenantId, `SELECT round(extract(epoch FROM now() - ${column}) / 86400)::int AS age FROM ${table} ORDER BY 1 DESC`)).rows.map((row) => row.age as number);
    return {
      raw: await read('jira_raw_responses', 'received_at'),
      deliveries: await read('jira_webhook_deliveries', 'received_at'),
      notifications: await read('notifications', 'delivered_at'),
      connectStates: await read('oauth_connect_states', 'created_at'),
    };
  };

  const retentionEvents = (tenantId: string) =>
    db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'retention.expired_rows_deleted' }, orderBy: { seq: 'asc' } }));

  const purge = (tenantId: string, now: Date, batchSize?: number): Promise<TenantRetentionResult> =>
    new MockActivityEnvironment().run(createRetentionActivities({ db, retentionBatchSize: batchSize }).purgeExpiredTenantRows, { tenantId, now: now.toISOString() });

  it('keeps day 29 and removes day 31 of raw Jira responses, day 89 and day 91 of operational records, for that tenant only', async () => {
    const tenant = await insertTenant(owner);
    const neighbour = await insertTenant(owner);
    for (const id of [tenant, neighbour]) for (const age of [29, 31, 89, 91]) await seed(id, age);
    const neighbourBefore = await ages(neighbour);

    const result = await purge(tenant, new Date());

    expect(await ages(tenant)).toEqual({ raw: [29], deliveries: [89, 31, 29], notifications: [89, 31, 29], connectStates: [89, 31, 29] });
    expect(result.removed).toEqual({ jira_raw_responses: 3, jira_webhook_deliveries: 1, notifications: 1, oauth_connect_states: 1 });
    expect(await ages(neighbour)).toEqual(neighbourBefore);
    const [event] = await retentionEvents(tenant);
    expect(event).toMatchObject({ actor: 'system:retention', target: tenant, outcome: 'success' });
    expect(event!.details).toMatchObject({ removed: result.removed, total: 6 });
    expect(JSON.stringify(event!.details)).not.toMatch(/DEMO-1|jane@|sealed|atlassian/);
    expect(await retentionEvents(neighbour)).toEqual([]);
  });

  it('goes by the clock it is given: a row received at T is kept at T+29 days and removed at T+31 days, in batches', async () => {
    const tenant = await insertTenant(owner);
    const received = new Date(Date.now() - 60_000);
    for (let row = 0; row < 5; row++) await seed(tenant, 0, received);

    const day29 = await purge(tenant, new Date(received.getTime() + 29 * DAY), 2);
    expect(day29.removed.jira_raw_responses).toBe(0);
    expect((await ages(tenant)).raw).toHaveLength(5);

    const day31 = await purge(tenant, new Date(received.getTime() + 31 * DAY), 2);
    expect(day31.removed).toEqual({ jira_raw_responses: 5, jira_webhook_deliveries: 0, notifications: 0, oauth_connect_states: 0 });
    expect(await ages(tenant)).toEqual({ raw: [], deliveries: [0, 0, 0, 0, 0], notifications: [0, 0, 0, 0, 0], connectStates: [0, 0, 0, 0, 0] });

    const day91 = await purge(tenant, new Date(received.getTime() + 91 * DAY), 2);
    expect(day91.removed).toEqual({ jira_raw_responses: 0, jira_webhook_deliveries: 5, notifications: 5, oauth_connect_states: 5 });
    expect((await retentionEvents(tenant)).map((event) => (event.details as { total: number }).total)).toEqual([0, 5, 15]);

    // The same run retried (same clock) removes nothing more and records nothing twice.
    await purge(tenant, new Date(received.getTime() + 91 * DAY), 2);
    expect(await retentionEvents(tenant)).toHaveLength(3);
  });

  it('is a Schedule the worker start creates or brings up to date, and its run sweeps every tenant, passing over one it cannot audit', async () => {
    // As an earlier release (or an operator) left it: another interval, another catch-up window.
    await temporal.client.schedule.getHandle(RETENTION_SCHEDULE_ID).delete().catch(() => undefined);
    await temporal.client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      spec: { intervals: [{ every: '1 day' }] },
      action: { type: 'startWorkflow', workflowType: RETENTION_WORKFLOW, taskQueue: CUSTODIAN_TASK_QUEUE, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      state: { paused: true, note: 'left by an older release' },
    });

    expect(await ensureWorkerSchedules(temporal.client, CUSTODIAN_TASK_QUEUE)).toMatchObject({ [RETENTION_SCHEDULE_ID]: 'updated' });
    const schedule = temporal.client.schedule.getHandle(RETENTION_SCHEDULE_ID);
    const description = await schedule.describe();
    expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 6 * 60 * 60 * 1000 })]);
    expect(description.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: DAY });
    // Its pause (an operator's decision) survives the update.
    expect(description.state.paused).toBe(true);
    expect(await ensureWorkerSchedules(temporal.client, CUSTODIAN_TASK_QUEUE)).toEqual({ 'one-time-secret-expiry': 'unchanged', [RETENTION_SCHEDULE_ID]: 'unchanged' });

    const first = await insertTenant(owner);
    const second = await insertTenant(owner);
    for (const id of [first, second]) for (const age of [29, 31]) await seed(id, age);
    // A tenant whose audit signing key was wrapped under a key file this worker does not hold: its purge cannot
    // be audited, so it fails at once (no retry can help) and must not hold up the others.
    const stranded = await insertTenant(owner);
    const foreignKeys = new LocalKeyProvider({ path: join(keyDir, 'foreign-kek.json') });
    const foreign = await foreignKeys.generateDataKey({ tenantId: stranded, integrationId: AUDIT_SIGNING_KEY_ID });
    await ownerQueryAsTenant(owner, stranded, 'INSERT INTO data_keys (id, tenant_id, integration_id, kek_id, kek_version, wrapped_key) VALUES ($1, $2, $3, $4, $5, $6)',
      [randomUUID(), stranded, AUDIT_SIGNING_KEY_ID, foreign.kekId, foreign.kekVersion, foreign.wrappedKey]);
    foreign.plaintextKey.fill(0);
    await seed(stranded, 31);

    const worker = await startTestWorker(db);
    try {
      await schedule.trigger();
      // The sweep goes through every tenant the other test files of this run made, too.
      const swept = await until(async () => [...(await retentionEvents(first)), ...(await retentionEvents(second))], (events) => events.length === 2, 60_000);
      expect(swept.map((event) => (event.details as { removed: Record<string, number> }).removed.jira_raw_responses)).toEqual([1, 1]);
      const [run] = (await until(async () => (await schedule.describe()).info.recentActions, (actions) => actions.length > 0)).slice(-1);
      const failure = await temporal.client.workflow.getHandle(run!.action.workflow.workflowId).result().then(() => undefined, (error: WorkflowFailedError) => error.cause);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'RetentionIncomplete', message: expect.stringMatching(/^retention failed for \d+ of \d+ tenants \(.+\); the others were swept$/) });
      // Every tenant that failed is in the details (the message names the first 20; other files' tenants may fail too).
      const { failedTenantIds } = (failure as ApplicationFailure).details![0] as { failedTenantIds: string[] };
      expect(failedTenantIds).toContain(stranded);
      expect(failedTenantIds).not.toContain(first);
      expect(failedTenantIds).not.toContain(second);
    } finally {
      await worker.stop();
    }
    expect((await ages(first)).raw).toEqual([29]);
    expect((await ages(second)).raw).toEqual([29]);
    // Its expired rows wait for a run that can audit removing them.
    expect((await ages(stranded)).raw).toEqual([31]);
    expect(await retentionEvents(stranded)).toEqual([]);
  }, 120_000);
});
