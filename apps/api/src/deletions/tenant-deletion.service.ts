import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import { appendAuditEvent } from '../../../../libs/audit';
import type { AppConfig } from '../../../../libs/config/app-config';
import {
  cancelTenantDeletionUpdate,
  DELETION_CANCEL_FORBIDDEN,
  DELETION_NOT_CANCELLABLE,
  TENANT_DELETION_WORKFLOW,
  TENANT_ID_SEARCH_ATTRIBUTE,
  tenantDeletionStateQuery,
  tenantDeletionWorkflowId,
  type TenantDeletionInput,
  type TenantDeletionResult,
  type TenantDeletionState,
} from '../../../../libs/contracts';
import { TenantScopedDatabase } from '../../../../libs/db';
import type { TenantPrincipal } from '../auth/principal';
import { auditActor } from '../auth/principal';
import { ApiError, notFound } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { toTenantDeletionView, type TenantDeletionView } from './tenant-deletion.view';

const TEMPORAL_DEADLINE_MS = 10_000;

@Injectable()
export class TenantDeletionService {
  private readonly logger = new Logger(TenantDeletionService.name);

  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Marks the tenant pending deletion (with its audit event) and starts the deletion workflow. Asking again
   * while one is pending changes nothing and answers with the pending one.
   */
  async request(tenantId: string, requestedBy: string, requesterEmail: string): Promise<{ deletion: TenantDeletionView; created: boolean }> {
    const workflowId = tenantDeletionWorkflowId(tenantId);
    const pending = await this.db.withTenant(tenantId, async (tx) => {
      const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { kind: true } });
      if (tenant.kind !== 'customer') throw new ApiError(409, 'conflict', "the platform's own tenant cannot be deleted");
      // Only an active tenant changes; concurrent requests queue on the row and all but one find it pending.
      // The database stamps the request time and derives the schedule (seven days on) itself.
      const marked = await tx.tenant.updateMany({
        where: { id: tenantId, status: 'active' },
        data: { status: 'pending_deletion', deletionRequestedBy: requestedBy, updatedAt: new Date() },
      });
      const row = await tx.tenant.findUniqueOrThrow({
        where: { id: tenantId },
        select: { deletionRequestedAt: true, deletionRequestedBy: true, deletionScheduledAt: true },
      });
      if (marked.count === 1) {
        await appendAuditEvent(tx, tenantId, {
          actor: requestedBy,
          action: 'tenant.deletion_requested',
          target: tenantId,
          outcome: 'pending',
          details: { scheduledAt: row.deletionScheduledAt!.toISOString(), workflowId },
        });
      }
      return { created: marked.count === 1, requestedAt: row.deletionRequestedAt!, requestedBy: row.deletionRequestedBy!, scheduledAt: row.deletionScheduledAt! };
    });
    const state = await this.ensureWorkflow({
      tenantId,
      requestedBy: pending.requestedBy,
      requesterEmail,
      requestedAt: pending.requestedAt.toISOString(),
      scheduledAt: pending.scheduledAt.toISOString(),
    });
    return { deletion: toTenantDeletionView(workflowId, state), created: pending.created };
  }

  /** The latest deletion's state (pending, cancelled, deleting), or 404 when none was ever asked for. */
  async get(tenantId: string): Promise<TenantDeletionView> {
    const workflowId = tenantDeletionWorkflowId(tenantId);
    try {
      const state = await this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () =>
        this.temporal.workflow.getHandle(workflowId).query(tenantDeletionStateQuery),
      );
      return toTenantDeletionView(workflowId, state);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound('tenant deletion');
      throw error;
    }
  }

  /** Cancels through the workflow's Update, which returns once the tenant is active again. */
  async cancel(caller: TenantPrincipal): Promise<TenantDeletionView> {
    const workflowId = tenantDeletionWorkflowId(caller.tenantId);
    const handle = this.temporal.workflow.getHandle(workflowId);
    try {
      const state = await this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () =>
        handle.executeUpdate(cancelTenantDeletionUpdate, {
          args: [{ tenantId: caller.tenantId, cancelledBy: auditActor(caller), role: caller.role }],
        }),
      );
      return toTenantDeletionView(workflowId, state);
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const cause = error.cause;
        const message = cause?.message ?? error.message;
        if (cause instanceof ApplicationFailure && cause.type === DELETION_NOT_CANCELLABLE) {
          throw new ApiError(409, 'deletion_not_cancellable', message);
        }
        if (cause instanceof ApplicationFailure && cause.type === DELETION_CANCEL_FORBIDDEN) throw new ApiError(403, 'forbidden', message);
        throw new ApiError(409, 'conflict', message);
      }
      if (error instanceof WorkflowNotFoundError) {
        // Its run has ended: when it ended cancelled, this is a repeat of that cancellation and gets it back.
        const cancelled = await this.cancelledDeletion(workflowId);
        if (cancelled) return cancelled;
        throw new ApiError(404, 'not_found', 'no deletion of this tenant is pending');
      }
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new ApiError(503, 'service_unavailable', 'the deletion did not answer in time; try again');
      }
      throw error;
    }
  }

  /** The latest run of the tenant's deletion when it ended cancelled; undefined otherwise (or when there is none). */
  private async cancelledDeletion(workflowId: string): Promise<TenantDeletionView | undefined> {
    const handle = this.temporal.workflow.getHandle(workflowId);
    try {
      const ended = await this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, async () =>
        (await handle.describe()).status.name === 'COMPLETED' ? ((await handle.result()) as TenantDeletionResult) : undefined,
      );
      if (ended?.outcome !== 'cancelled') return undefined;
      const state = await this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () => handle.query(tenantDeletionStateQuery));
      return toTenantDeletionView(workflowId, state);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * Starts the workflow for this request, or finds the open one. A run of an earlier request that is still
   * finishing its cancellation is waited out first, so the new request gets its own run (and timer). Which
   * request a run serves is read from its memo, which the server answers without a worker.
   */
  private async ensureWorkflow(input: TenantDeletionInput): Promise<TenantDeletionState> {
    const workflowId = tenantDeletionWorkflowId(input.tenantId);
    for (let attempt = 0; attempt < 3; attempt++) {
      let servesThisRequest: boolean;
      try {
        const handle = await this.temporal.workflow.start(TENANT_DELETION_WORKFLOW, {
          workflowId,
          taskQueue: this.config.temporal.taskQueue,
          args: [input],
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: input.tenantId }],
          memo: { requestedAt: input.requestedAt },
        });
        const description = await this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () => handle.describe());
        servesThisRequest = description.memo?.requestedAt === input.requestedAt;
      } catch (error) {
        this.logger.error(`could not start or describe ${workflowId}: ${(error as Error).message}`);
        throw new ApiError(503, 'service_unavailable', 'the tenant is pending deletion but its workflow could not be reached; ask again');
      }
      if (servesThisRequest) return pendingState(input);
      await this.temporal.workflow.getHandle(workflowId).result().catch(() => undefined);
    }
    throw new ApiError(503, 'service_unavailable', 'an earlier deletion of this tenant is still finishing; ask again');
  }
}

/** The state of a request the database holds as pending: what the workflow's query would answer before its timer fires. */
function pendingState(input: TenantDeletionInput, now = new Date()): TenantDeletionState {
  return {
    tenantId: input.tenantId,
    phase: 'pending',
    requestedBy: input.requestedBy,
    requestedAt: input.requestedAt,
    scheduledAt: input.scheduledAt,
    remainingMs: Math.max(0, Date.parse(input.scheduledAt) - now.getTime()),
    asOf: now.toISOString(),
    cancelledBy: null,
    cancelledAt: null,
    currentTable: null,
    completedAt: null,
  };
}
