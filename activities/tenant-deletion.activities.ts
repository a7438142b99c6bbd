import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { appendAuditEventOnce } from '../libs/audit';
import type { Notifier } from '../libs/connectors/email';
import type { TenantCredentialRevoker } from '../libs/connectors/tenant-credential-revoker';
import type { DeletionCertificate, DeletionStep, DeletionStepPurpose, JiraDisconnectionStep, TenantDeletionActivities } from '../libs/contracts';
import { deletionOrder, readTenantTables, type TenantScopedDatabase } from '../libs/db';
import { databaseErrorFacts } from '../libs/db/database-error';
import type { JiraDisconnection } from '../libs/jira-lifecycle/jira-disconnection';
import { JiraConnectorError } from '../libs/connectors/jira/jira-errors';
import { whileHeartbeating } from './heartbeating';
import { jiraActivityFailureOf } from './jira-activity-failure';
import { deliver, evidence } from './security-desk-notices';
import { deletionCertificateNotice, tenantDeletionNotice } from './tenant-deletion-notices';

export interface TenantDeletionActivityDependencies {
  db: TenantScopedDatabase;
  /** To find and stop the tenant's other workflows. */
  temporal: Client;
  notifier: Notifier;
  credentialRevoker: TenantCredentialRevoker;
  /** Takes the tenant off Jira: Schedules, sync workflow, webhooks at Jira, credential and data keys. */
  jiraDisconnection: JiraDisconnection;
  /** Rows per batch (TENANT_DELETION_BATCH_SIZE). */
  deletionBatchSize: number;
}

const ACTOR = 'workflow:tenant-deletion';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * SQLSTATEs of the deletion functions' refusals that no retry can fix (the deletion must stop and someone must
 * look): no such tenant (P0002), not a tenant table or a bad batch size (22023), a platform tenant or another
 * tenant's context (42501), not pending or not begun (55000). A 55000 hinted deletion_not_due is the grace
 * period still running by the database's clock: a retry a little later succeeds.
 */
const FINAL_REFUSALS = new Set(['P0002', '22023', '42501', '55000']);
const NOT_DUE_HINT = 'deletion_not_due';

export function createTenantDeletionActivities({
  db,
  temporal,
  notifier,
  credentialRevoker,
  jiraDisconnection,
  deletionBatchSize,
}: TenantDeletionActivityDependencies): TenantDeletionActivities {
  return {
    async sendTenantDeletionNotice(request) {
      const { tenantId } = request;
      const { tenant, contacts } = await db.withTenant(tenantId, async (tx) => ({
        tenant: await tx.tenant.findUnique({ where: { id: tenantId }, select: { slug: true } }),
        contacts: await tx.tenantContact.findMany({ orderBy: { email: 'asc' }, select: { email: true } }),
      }));
      if (!tenant) throw ApplicationFailure.nonRetryable(`tenant ${tenantId} no longer exists`, 'TenantNotFound');
      const notice = {
        tenantId,
        deliveryKey: `tenant-deletion/${tenantId}/${request.requestedAt}/${request.kind}`,
        kind: `tenant.deletion.${request.kind}`,
        recipients: [...new Set([request.requesterEmail, ...contacts.map((contact) => contact.email)])],
        ...tenantDeletionNotice(request, tenant.slug),
      };
      const delivery = await deliver(notifier, notice);
      await db.withTenant(tenantId, (tx) =>
        appendAuditEventOnce(tx, tenantId, notice.deliveryKey, {
          actor: ACTOR,
          action: 'tenant.deletion_notice_sent',
          target: tenantId,
          outcome: 'success',
          details: evidence(notice, delivery),
        }),
      );
    },

    async restoreTenant({ tenantId, cancelledBy, requestedAt }) {
      await db.withTenant(tenantId, async (tx) => {
        await tx.tenant.updateMany({
          where: { id: tenantId, status: 'pending_deletion', deletionRequestedAt: new Date(requestedAt) },
          data: { status: 'active', deletionRequestedAt: null, deletionRequestedBy: null, deletionScheduledAt: null, updatedAt: new Date() },
        });
        await appendAuditEventOnce(tx, tenantId, `tenant-deletion/${tenantId}/${requestedAt}/restored`, {
          actor: cancelledBy,
          action: 'tenant.deletion_cancelled',
          target: tenantId,
          outcome: 'success',
          details: { requestedAt },
        });
      });
    },

    async beginTenantDeletion({ tenantId, workflowId }) {
      await refusalsAreFinal(() =>
        db.withTenant(tenantId, async (tx) => {
          await tx.$executeRaw`SELECT begin_tenant_deletion(${tenantId}::uuid, ${workflowId})`;
          // A retry after the rows went (tombstone already open) has no trail left to write to.
          const exists = await tx.tenant.count({ where: { id: tenantId } });
          if (exists) {
            await appendAuditEventOnce(tx, tenantId, `tenant-deletion/${tenantId}/started`, {
              actor: ACTOR,
              action: 'tenant.deletion_started',
              target: tenantId,
              outcome: 'pending',
              details: { workflowId },
            });
          }
        }),
      );
    },

    async stopTenantWorkflows({ tenantId, exceptWorkflowId }) {
      if (!UUID.test(tenantId)) throw ApplicationFailure.nonRetryable('tenant id must be a UUID', 'InvalidTenantIdError');
      // A retry no longer finds the workflows an earlier attempt stopped: its heartbeats carry them.
      const stopped = [...((Context.current().info.heartbeatDetails as string[] | undefined) ?? [])];
      await whileHeartbeating(stopRunning, () => stopped);
      return stopped;

      async function stopRunning(): Promise<void> {
        const running = temporal.workflow.list({ query: `TenantId = '${tenantId}' AND ExecutionStatus = 'Running'` });
        for await (const execution of running) {
          if (execution.workflowId === exceptWorkflowId) continue;
          await stopOne(execution);
          if (!stopped.includes(execution.workflowId)) stopped.push(execution.workflowId);
          Context.current().heartbeat(stopped);
        }
      }

      async function stopOne(execution: { workflowId: string; runId: string; type: string }): Promise<void> {
        try {
          await temporal.workflow.getHandle(execution.workflowId, execution.runId).terminate(`tenant ${tenantId} is being deleted`);
        } catch (error) {
          // Finished on its own in the meantime: nothing left to stop.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
        await db.withTenant(tenantId, (tx) =>
          appendAuditEventOnce(tx, tenantId, `tenant-deletion/${tenantId}/stopped/${execution.workflowId}/${execution.runId}`, {
            actor: ACTOR,
            action: 'tenant.deletion_workflow_stopped',
            target: execution.workflowId,
            outcome: 'success',
            details: { workflowType: execution.type, runId: execution.runId },
          }),
        );
      }
    },

    async disconnectTenantJira({ tenantId }) {
      const context = Context.current();
      const report = await jiraDisconnection
        .disconnect(tenantId, {
          actor: ACTOR,
          attempt: context.info.attempt,
          done: (context.info.heartbeatDetails as JiraDisconnectionStep[] | undefined) ?? [],
          onStep: (steps) => context.heartbeat(steps),
        })
        .catch((error: unknown) => {
          // Jira's 429/5xx: retried after its Retry-After; the disconnection reports the step failed after a few.
          throw error instanceof JiraConnectorError ? jiraActivityFailureOf(error) : error;
        });
      if (!report) return null;
      await db.withTenant(tenantId, async (tx) => {
        for (const step of report.steps) {
          await appendAuditEventOnce(tx, tenantId, `tenant-deletion/${tenantId}/jira/${step.step}`, {
            actor: ACTOR,
            action: 'tenant.deletion_jira_disconnect',
            target: step.step,
            outcome: step.outcome === 'failed' ? 'failure' : 'success',
            details: { step: step.step, outcome: step.outcome, detail: step.detail },
          });
        }
      });
      return report;
    },

    async revokeTenantCredentials({ tenantId }) {
      const outcomes = await credentialRevoker.revokeAll(tenantId);
      await db.withTenant(tenantId, async (tx) => {
        for (const revocation of outcomes) {
          await appendAuditEventOnce(tx, tenantId, `tenant-deletion/${tenantId}/revocation/${revocation.provider}`, {
            actor: ACTOR,
            action: 'tenant.deletion_token_revocation',
            target: revocation.provider,
            outcome: revocation.outcome === 'failed' ? 'failure' : 'success',
            details: { outcome: revocation.outcome, ...(revocation.detail ? { detail: revocation.detail } : {}) },
          });
        }
      });
      return outcomes;
    },

    async planTenantDeletion({ tables }) {
      const catalogue = await readTenantTables(db.prisma);
      const order = deletionOrder(catalogue.tables, catalogue.references);
      return order.filter((table) => !tables || tables.includes(table)).map((table): DeletionStep => ({ table, purpose: purposeOf(table) }));
    },

    async deleteTenantRowsBatch({ tenantId, table }) {
      // A big batch (rows, cascades, triggers) can outlast the heartbeat timeout: beat for as long as it runs.
      const [row] = await whileHeartbeating(
        () =>
          refusalsAreFinal(() =>
            db.withTenant(tenantId, (tx) =>
              tx.$queryRaw<{ deleted: bigint }[]>`SELECT delete_tenant_batch(${tenantId}::uuid, ${table}, ${deletionBatchSize}::integer) AS deleted`,
            ),
          ),
        () => table,
      );
      return { deleted: Number(row?.deleted ?? 0) };
    },

    async completeTenantDeletion({ tenantId, requesterEmail, workflowId, stoppedWorkflows, revocations, jira }) {
      return db.withTenant(tenantId, async (tx) => {
        const tombstone = await tx.tenantTombstone.findUnique({ where: { deletedTenantId: tenantId } });
        if (!tombstone) throw ApplicationFailure.nonRetryable(`deletion of tenant ${tenantId} never began`, 'TenantDeletionNotBegun');
        if (tombstone.certificate) return { certificate: tombstone.certificate as unknown as DeletionCertificate, remainingTables: [] };
        const deletedRows = Object.fromEntries(
          Object.entries(tombstone.deletedRows as Record<string, number>).map(([table, rows]) => [table, Number(rows)]),
        );
        const certificate: DeletionCertificate = {
          tenantId,
          tenantSlug: tombstone.tenantSlug,
          requestedBy: tombstone.requestedBy,
          requesterEmail,
          requestedAt: tombstone.requestedAt.toISOString(),
          scheduledAt: tombstone.scheduledAt.toISOString(),
          deletionStartedAt: tombstone.startedAt.toISOString(),
          completedAt: new Date().toISOString(),
          deletedRows,
          totalRows: Object.values(deletedRows).reduce((sum, rows) => sum + rows, 0),
          dataKeysDestroyed: (deletedRows.data_keys ?? 0) + (jira?.dataKeysDestroyed ?? 0),
          stoppedWorkflows,
          tokenRevocations: revocations,
          jira: jira ?? null,
          workflowId,
        };
        const [sealed] = await tx.$queryRaw<{ remaining: string[] }[]>`
          SELECT complete_tenant_deletion(${tenantId}::uuid, ${JSON.stringify(certificate)}::jsonb) AS remaining`;
        const remainingTables = sealed?.remaining ?? [];
        if (remainingTables.length > 0) return { certificate: null, remainingTables };
        const stored = await tx.tenantTombstone.findUniqueOrThrow({ where: { deletedTenantId: tenantId } });
        return { certificate: stored.certificate as unknown as DeletionCertificate, remainingTables };
      });
    },

    async sendDeletionCertificate({ certificate }) {
      // A platform notice: the tenant, and with it its notifications table, no longer exists.
      await deliver(notifier, {
        deliveryKey: `tenant-deletion/${certificate.tenantId}/certificate`,
        kind: 'tenant.deletion.certificate',
        recipients: [certificate.requesterEmail],
        ...deletionCertificateNotice(certificate),
      });
    },
  };
}

function purposeOf(table: string): DeletionStepPurpose {
  if (table === 'tenants') return 'tenant_row';
  if (table === 'data_keys') return 'data_keys';
  return 'rows';
}

async function refusalsAreFinal<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { sqlState, hint } = databaseErrorFacts(error);
    if (sqlState !== undefined && FINAL_REFUSALS.has(sqlState) && hint !== NOT_DUE_HINT) {
      throw ApplicationFailure.nonRetryable(error instanceof Error ? error.message : String(error), 'TenantDeletionRefused');
    }
    throw error;
  }
}
