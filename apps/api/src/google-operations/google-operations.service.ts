import { Inject, Injectable } from '@nestjs/common';
import { Client, ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../../../../libs/config/app-config';
import {
  ACCESS_CHANGE_WORKFLOW,
  ACCOUNT_UNLOCK_WORKFLOW,
  APPROVER_ROLES,
  approvePasswordResetUpdate,
  cancelGoogleOperationUpdate,
  googleOperationStateQuery,
  googleOperationWorkflowId,
  PASSWORD_RESET_WORKFLOW,
  TENANT_ID_SEARCH_ATTRIBUTE,
  TICKET_REF_PATTERN,
  TICKET_REF_SEARCH_ATTRIBUTE,
  type GoogleOperationDecision,
  type GoogleOperationKind,
  type GoogleOperationState,
} from '../../../../libs/contracts';
import { TenantScopedDatabase } from '../../../../libs/db';
import { readGoogleOperation } from '../../../../libs/google-operations/google-operation-records';
import { OneTimeSecretStore } from '../../../../libs/secrets/one-time-secret-store';
import { AGENT_OR_HIGHER, auditActor, principalId, type TenantPrincipal } from '../auth/principal';
import { ApiError, notFound } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { executeWorkflowUpdate } from '../platform/workflow-update';
import { GOOGLE_OPERATION_PATHS, stateView, type AwaitingApprovalView, type GoogleOperationView } from './google-operation.view';

const WORKFLOW_TYPES: Record<GoogleOperationKind, string> = {
  'password-reset': PASSWORD_RESET_WORKFLOW,
  'account-unlock': ACCOUNT_UNLOCK_WORKFLOW,
  'access-change': ACCESS_CHANGE_WORKFLOW,
};
const CLOSED_TICKET_STATUSES = new Set(['resolved', 'closed', 'rejected']);
const TEMPORAL_DEADLINE_MS = 5_000;

/** What a request asks for beyond the ticket: the user and the kind's own parameters. */
export interface GoogleOperationRequest {
  ticketRef: string;
  userEmail: string;
  parameters: Record<string, unknown>;
}

/**
 * Starts, reads, approves and cancels the Google Workspace operations. One workflow per ticket and kind: a
 * repeated request finds the one already started (whatever its state), and a different request for the same
 * ticket is refused rather than silently answered with the first one.
 */
@Injectable()
export class GoogleOperationsService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
    private readonly secrets: OneTimeSecretStore,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  async start(kind: GoogleOperationKind, caller: TenantPrincipal, request: GoogleOperationRequest): Promise<{ operation: GoogleOperationView; created: boolean }> {
    const { tenantId } = caller;
    const userEmail = request.userEmail.toLowerCase();
    const workflowId = googleOperationWorkflowId(kind, tenantId, request.ticketRef);
    const fingerprint = createHash('sha256').update(JSON.stringify({ kind, userEmail, ...request.parameters })).digest('hex');
    const ticket = await this.db.withTenant(tenantId, (tx) => tx.ticket.findUnique({ where: { tenantId_ref: { tenantId, ref: request.ticketRef } } }));
    if (!ticket) throw notFound(`ticket ${request.ticketRef}`);
    // A closed ticket starts nothing new; a repeat of the request that closed it still finds its operation.
    const created = !CLOSED_TICKET_STATUSES.has(ticket.status) && (await this.startOnce(kind, caller, { ...request, userEmail }, fingerprint));
    const existing = created ? fingerprint : await this.fingerprintOf(workflowId);
    if (existing === undefined) throw new ApiError(409, 'conflict', `ticket ${request.ticketRef} is ${ticket.status}; open a new ticket for new work`);
    if (existing !== fingerprint) {
      throw new ApiError(409, 'conflict', `ticket ${request.ticketRef} already has a ${kind} for a different request; open a new ticket for new work`);
    }
    return { operation: await this.get(kind, caller, request.ticketRef), created };
  }

  /** Starts the ticket's workflow; false when it already exists (an earlier or a concurrent request). */
  private async startOnce(kind: GoogleOperationKind, caller: TenantPrincipal, request: GoogleOperationRequest, fingerprint: string): Promise<boolean> {
    const { tenantId } = caller;
    try {
      await this.temporal.workflow.start(WORKFLOW_TYPES[kind], {
        workflowId: googleOperationWorkflowId(kind, tenantId, request.ticketRef),
        taskQueue: this.appConfig.temporal.taskQueue,
        args: [{ tenantId, ticketRef: request.ticketRef, userEmail: request.userEmail, requestedBy: auditActor(caller), requesterId: principalId(caller), ...request.parameters }],
        memo: { fingerprint, requesterId: principalId(caller) },
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId },
          { key: TICKET_REF_SEARCH_ATTRIBUTE, value: request.ticketRef },
        ],
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  /** The request fingerprint the ticket's workflow was started with; undefined when there is none yet. */
  private async fingerprintOf(workflowId: string): Promise<unknown> {
    try {
      const description = await this.withDeadline(() => this.temporal.workflow.getHandle(workflowId).describe());
      return description.memo?.fingerprint ?? null;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * The operation as its workflow's activities last recorded it: one query, no replay. Temporal is asked only while
   * the workflow has recorded nothing yet, and when the caller wants it live.
   * origin: where the caller reached the API, which makes the one-time link absolute unless API_PUBLIC_URL says otherwise.
   */
  async get(kind: GoogleOperationKind, caller: TenantPrincipal, ticketRef: string, options: { origin?: string; live?: boolean } = {}): Promise<GoogleOperationView> {
    const workflowId = workflowIdOf(kind, caller, ticketRef);
    const recorded = options.live ? undefined : await this.db.withTenant(caller.tenantId, (tx) => readGoogleOperation(tx, caller.tenantId, workflowId));
    const found = recorded ?? (await this.askWorkflow(kind, workflowId, ticketRef));
    const view: GoogleOperationView = {
      kind,
      ticketRef,
      workflowId,
      status: found.status,
      statusUrl: `${GOOGLE_OPERATION_PATHS[kind]}/${ticketRef}`,
      state: stateView(kind, found.state),
      failure: found.failure,
    };
    if (kind === 'password-reset') view.temporaryPassword = await this.temporaryPasswordLink(caller, found.state, found.requesterId, options.origin);
    return view;
  }

  /** The workflow's own status, state (its query, a replay) and failure. */
  private async askWorkflow(
    kind: GoogleOperationKind,
    workflowId: string,
    ticketRef: string,
  ): Promise<{ status: string; state: GoogleOperationState | null; failure: GoogleOperationView['failure']; requesterId: unknown }> {
    const handle = this.temporal.workflow.getHandle(workflowId);
    const description = await this.withDeadline(() => handle.describe()).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) throw notFound(`${kind} for ticket ${ticketRef}`);
      // Temporal is down or too slow: a dependency out for a moment, not a bug.
      if (error instanceof ServiceError) throw new ApiError(503, 'service_unavailable', `the ${kind}'s workflow could not be asked now; try again`);
      throw error;
    });
    const status = description.status.name;
    const state = await this.withDeadline(() => handle.query(googleOperationStateQuery)).catch((): GoogleOperationState | null => null);
    const failure = status === 'FAILED' ? await this.failureOf(handle.result()) : null;
    return { status, state, failure, requesterId: description.memo?.requesterId };
  }

  /**
   * The tenant's resets waiting for approval: running resets found through Temporal's visibility (TenantId), each
   * asked for its state, since only the workflow knows whether it waits. Visibility lags a start by a moment.
   */
  async awaitingApproval(caller: TenantPrincipal): Promise<AwaitingApprovalView[]> {
    const query = `WorkflowType = '${PASSWORD_RESET_WORKFLOW}' AND ExecutionStatus = 'Running' AND ${TENANT_ID_SEARCH_ATTRIBUTE.name} = '${caller.tenantId}'`;
    const running: { workflowId: string; ticketRef: string; requesterId: unknown }[] = [];
    for await (const execution of this.temporal.workflow.list({ query })) {
      const ticketRef = execution.typedSearchAttributes.get(TICKET_REF_SEARCH_ATTRIBUTE);
      if (typeof ticketRef === 'string') running.push({ workflowId: execution.workflowId, ticketRef, requesterId: execution.memo?.requesterId });
    }
    const states = await Promise.all(
      running.map((execution) => this.withDeadline(() => this.temporal.workflow.getHandle(execution.workflowId).query(googleOperationStateQuery)).catch(() => null)),
    );
    // Approved but not yet past the step (the workflow moves on right after its Update): no longer waiting.
    const waiting = running.filter((_, index) => states[index]?.step === 'awaiting_approval' && !states[index]?.approvedBy);
    const tickets = await this.db.withTenant(caller.tenantId, (tx) =>
      tx.ticket.findMany({ where: { tenantId: caller.tenantId, ref: { in: waiting.map((execution) => execution.ticketRef) } }, select: { ref: true, summary: true } }),
    );
    const summaries = new Map(tickets.map((ticket) => [ticket.ref, ticket.summary]));
    return waiting
      .map((execution) => ({
        ticketRef: execution.ticketRef,
        summary: summaries.get(execution.ticketRef) ?? null,
        statusUrl: `${GOOGLE_OPERATION_PATHS['password-reset']}/${execution.ticketRef}`,
        approvalDeadline: states[running.indexOf(execution)]!.approvalDeadline,
        requestedByYou: execution.requesterId === principalId(caller),
      }))
      .sort((a, b) => a.ticketRef.localeCompare(b.ticketRef));
  }

  async approve(caller: TenantPrincipal, ticketRef: string, origin?: string): Promise<GoogleOperationView> {
    await executeWorkflowUpdate(this.temporal, workflowIdOf('password-reset', caller, ticketRef), `password reset for ticket ${ticketRef}`, approvePasswordResetUpdate, this.decision(caller));
    // The decision is in the workflow before any activity records it.
    return this.get('password-reset', caller, ticketRef, { origin, live: true });
  }

  async cancel(kind: GoogleOperationKind, caller: TenantPrincipal, ticketRef: string, origin?: string): Promise<GoogleOperationView> {
    await executeWorkflowUpdate(this.temporal, workflowIdOf(kind, caller, ticketRef), `${kind} for ticket ${ticketRef}`, cancelGoogleOperationUpdate, this.decision(caller));
    return this.get(kind, caller, ticketRef, { origin, live: true });
  }

  private decision(caller: TenantPrincipal): GoogleOperationDecision {
    return { tenantId: caller.tenantId, decidedBy: auditActor(caller), deciderId: principalId(caller), role: caller.role };
  }

  /**
   * The one-time link until someone has read the password: for the people who act on tickets; for an approved
   * reset of an administrator, only for its requester and for those who may approve.
   */
  private async temporaryPasswordLink(caller: TenantPrincipal, state: GoogleOperationState | null, requesterId: unknown, origin?: string): Promise<GoogleOperationView['temporaryPassword']> {
    if (!state?.secretId || state.step !== 'completed') return null;
    const entitled = state.approvedBy ? APPROVER_ROLES.includes(caller.role) || principalId(caller) === requesterId : AGENT_OR_HIGHER.includes(caller.role);
    if (!entitled) return null;
    const link = await this.secrets.pendingLink(caller.tenantId, state.secretId);
    const base = (this.appConfig.api.publicUrl ?? origin ?? '').replace(/\/+$/, '');
    return link ? { url: `${base}/v1/secrets/${link.token}`, expiresAt: link.expiresAt.toISOString() } : null;
  }

  private async failureOf(result: Promise<unknown>): Promise<GoogleOperationView['failure']> {
    try {
      await this.withDeadline(() => result);
      return null;
    } catch (error) {
      const cause = error instanceof WorkflowFailedError ? error.cause : error;
      return { type: cause instanceof ApplicationFailure ? (cause.type ?? null) : null, message: (cause as Error).message };
    }
  }

  private withDeadline<T>(call: () => Promise<T>): Promise<T> {
    return this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, call);
  }
}

/** The caller's tenant's workflow for this ticket; a malformed reference is the caller's mistake (400). */
function workflowIdOf(kind: GoogleOperationKind, caller: TenantPrincipal, ticketRef: string): string {
  if (!TICKET_REF_PATTERN.test(ticketRef)) throw new ApiError(400, 'bad_request', 'the ticket reference must look like CT-000123');
  return googleOperationWorkflowId(kind, caller.tenantId, ticketRef);
}
