import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { AuditTrail } from '../../libs/audit';
import { googleOperationWorkflowId, tenantDeletionWorkflowId, type GoogleOperationState, type TenantDeletionResult } from '../../libs/contracts';
import type { TenantScopedDatabase } from '../../libs/db';
import type { GoogleWorkspaceSimulator } from '../../test/fakes/google/google-workspace-simulator';
import type { OperationRecord } from './chaos-operations';

export interface InvariantReport {
  operations: number;
  accepted: number;
  refused: number;
  /** Why requests were refused (4xx), with how many each. */
  refusals: Record<string, number>;
  gaveUp: number;
  /** Accepted and finished, each exactly once. */
  endedOnce: number;
  /** Accepted and still running where anyone can see it (a ticket's intake, a deletion's grace period). */
  visiblyPending: number;
  /** Operations that got at least one 5xx or no answer, and of those: the retry converged / nothing persisted. */
  answered5xx: number;
  converged5xx: number;
  notPersisted5xx: number;
  /** Google writes sent again after a crash with the same effect (allowed), and with a different one (never). */
  googleRepeats: number;
  googleConflicts: number;
  chainsVerified: number;
  violations: string[];
}

interface Context {
  db: TenantScopedDatabase;
  temporal: Client;
  google: GoogleWorkspaceSimulator;
}

type Status = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'MISSING' | string;

async function workflowStatus(temporal: Client, workflowId: string): Promise<Status> {
  try {
    return (await temporal.workflow.getHandle(workflowId).describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'MISSING';
    throw error;
  }
}

/** Waits (up to timeoutMs) until every accepted Google operation's workflow has closed. */
export async function awaitQuiescence(context: Context, operations: OperationRecord[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const open = new Set(operations.filter((op) => op.outcome === 'accepted' && (op.kind === 'password_reset' || op.kind === 'account_unlock')));
  while (open.size > 0 && Date.now() < deadline) {
    for (const op of [...open]) {
      const status = await workflowStatus(context.temporal, googleWorkflowId(op)).catch(() => 'RUNNING');
      if (status !== 'RUNNING') open.delete(op);
    }
    if (open.size > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return open.size;
}

function googleWorkflowId(op: OperationRecord): string {
  return googleOperationWorkflowId(op.kind === 'password_reset' ? 'password-reset' : 'account-unlock', op.tenantId, op.ticketRef!);
}

/**
 * After recovery: every accepted request ended exactly once or is visibly pending; a 5xx meant "not accepted"
 * only where nothing of the request persists or the retry with the same key converged; Google never got two
 * writes with different effects for one request; every tenant's audit chain verifies.
 */
export async function checkInvariants(context: Context, operations: OperationRecord[], tenantIds: string[]): Promise<InvariantReport> {
  const { db, temporal, google } = context;
  const report: InvariantReport = {
    operations: operations.length,
    accepted: operations.filter((op) => op.outcome === 'accepted').length,
    refused: operations.filter((op) => op.outcome === 'refused').length,
    refusals: {},
    gaveUp: operations.filter((op) => op.outcome === 'gave_up').length,
    endedOnce: 0,
    visiblyPending: 0,
    answered5xx: 0,
    converged5xx: 0,
    notPersisted5xx: 0,
    googleRepeats: 0,
    googleConflicts: 0,
    chainsVerified: 0,
    violations: [],
  };
  const violation = (op: OperationRecord | undefined, message: string) =>
    report.violations.push(op ? `#${op.id} ${op.kind} [${op.answers.join(',')}]${op.refusal ? ` (${op.refusal})` : ''}: ${message}` : message);

  const ticketsByKey = new Map<string, { ref: string; workflowId: string }>();
  const tenantOf = new Map<string, { status: string }>();
  const auditCounts = new Map<string, number>();
  for (const tenantId of tenantIds) {
    await db.withTenant(tenantId, async (tx) => {
      for (const ticket of await tx.ticket.findMany({ select: { ref: true, workflowId: true, idempotencyKey: true } })) {
        if (!ticket.idempotencyKey) violation(undefined, `ticket ${ticket.ref} of ${tenantId} has no Idempotency-Key: no caller asked for it`);
        else ticketsByKey.set(`${tenantId}/${ticket.idempotencyKey}`, { ref: ticket.ref, workflowId: ticket.workflowId });
      }
      const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { status: true } });
      if (tenant) tenantOf.set(tenantId, tenant);
      for (const event of await tx.auditEvent.findMany({ select: { action: true, target: true, outcome: true } })) {
        const key = `${tenantId}/${event.action}/${event.outcome}/${event.target}`;
        auditCounts.set(key, (auditCounts.get(key) ?? 0) + 1);
      }
    });
  }
  const audited = (tenantId: string, action: string, target: string, outcome = 'success') => auditCounts.get(`${tenantId}/${action}/${outcome}/${target}`) ?? 0;

  for (const op of operations) if (op.refusal) report.refusals[op.refusal] = (report.refusals[op.refusal] ?? 0) + 1;
  const cancelled = new Set(operations.filter((op) => op.kind === 'deletion_cancel').map((op) => op.tenantId));
  const claimedTickets = new Set<string>();
  for (const op of operations) {
    const troubled = op.answers.some((status) => status === 0 || status >= 500);
    if (troubled) report.answered5xx += 1;
    let persisted: boolean;
    let done = false;
    let pending = false;

    if (op.kind === 'ticket' || op.kind === 'password_reset' || op.kind === 'account_unlock') {
      const ticket = ticketsByKey.get(`${op.tenantId}/${op.idempotencyKey}`);
      if (ticket) claimedTickets.add(`${op.tenantId}/${op.idempotencyKey}`);
      persisted = ticket !== undefined;
      if (ticket && op.ticketRef && ticket.ref !== op.ticketRef) violation(op, `answered ${op.ticketRef} but the ticket is ${ticket.ref}`);
      if (ticket) {
        const intake = await workflowStatus(temporal, ticket.workflowId);
        if (intake === 'MISSING') violation(op, `ticket ${ticket.ref} was kept but its intake workflow never started`);
      }
      if (op.kind === 'ticket' && op.outcome === 'accepted') {
        if (!ticket) violation(op, 'accepted, but no ticket was kept');
        else pending = true;
      }
      if (op.kind !== 'ticket' && op.outcome === 'accepted' && op.ticketRef) {
        const status = await workflowStatus(temporal, googleWorkflowId(op));
        if (status === 'RUNNING') pending = true;
        else if (status === 'COMPLETED') {
          const result = (await temporal.workflow.getHandle(googleWorkflowId(op)).result()) as GoogleOperationState;
          if (result.step !== 'completed') violation(op, `ended at step ${result.step}`);
          done = true;
        } else violation(op, `its workflow is ${status}`);
        const email = op.userEmail!;
        if (op.kind === 'password_reset') {
          const sets = google.passwordsSet.filter((set) => set.userKey === email);
          const distinct = new Set(sets.map((set) => set.password)).size;
          if (distinct > 1) report.googleConflicts += 1;
          if (distinct > 1) violation(op, `Google got ${distinct} different passwords for ${email}`);
          if (sets.some((set) => set.changePasswordAtNextLogin !== true)) violation(op, 'a password was set without change-at-next-login');
          report.googleRepeats += Math.max(0, sets.length - 1);
          const events = audited(op.tenantId, 'google.user.password_set', email);
          if (done && (distinct !== 1 || events !== 1)) violation(op, `completed with ${distinct} password(s) at Google and ${events} success event(s)`);
        } else {
          const writes = google.requests.filter((request) => request.method === 'PUT' && decodeURIComponent(request.path).includes(email));
          if (writes.some((write) => write.body?.suspended !== false)) {
            report.googleConflicts += 1;
            violation(op, `Google got an unlock write for ${email} that did not unsuspend`);
          }
          report.googleRepeats += Math.max(0, writes.length - 1);
          const events = audited(op.tenantId, 'google.user.unsuspended', email);
          if (done && (google.users.get(email)?.suspended !== false || events !== 1)) violation(op, `completed with the user suspended=${google.users.get(email)?.suspended} and ${events} success event(s)`);
        }
      }
    } else {
      const tenant = tenantOf.get(op.tenantId);
      const requested = audited(op.tenantId, 'tenant.deletion_requested', op.tenantId, 'pending');
      const cancelledEvents = audited(op.tenantId, 'tenant.deletion_cancelled', op.tenantId);
      if (op.kind === 'deletion_request') {
        persisted = requested > 0;
        if (requested > 1) violation(op, `${requested} deletion_requested events for one request`);
        if (op.outcome === 'accepted' && !cancelled.has(op.tenantId)) {
          const status = await workflowStatus(temporal, tenantDeletionWorkflowId(op.tenantId));
          if (tenant?.status !== 'pending_deletion' || status !== 'RUNNING') violation(op, `accepted, but the tenant is ${tenant?.status} and its workflow ${status}`);
          else pending = true;
        } else if (op.outcome === 'accepted') done = requested === 1;
      } else {
        persisted = cancelledEvents > 0;
        if (cancelledEvents > 1) violation(op, `${cancelledEvents} deletion_cancelled events for one cancellation`);
        if (op.outcome === 'accepted') {
          const handle = temporal.workflow.getHandle(tenantDeletionWorkflowId(op.tenantId));
          const result = (await handle.result().catch(() => undefined)) as TenantDeletionResult | undefined;
          if (tenant?.status !== 'active' || result?.outcome !== 'cancelled' || cancelledEvents !== 1) {
            violation(op, `accepted, but the tenant is ${tenant?.status}, the workflow ended ${result?.outcome} with ${cancelledEvents} cancellation event(s)`);
          } else done = true;
        }
      }
    }

    if (done) report.endedOnce += 1;
    if (pending) report.visiblyPending += 1;
    if (troubled) {
      if (op.outcome === 'accepted') report.converged5xx += 1;
      else if (!persisted) report.notPersisted5xx += 1;
      else violation(op, 'answered 5xx (or nothing), and the request persisted without the caller ever hearing it was accepted');
    }
  }
  for (const key of ticketsByKey.keys()) if (!claimedTickets.has(key)) violation(undefined, `ticket with key ${key} belongs to no request`);

  const trails = new AuditTrail(db);
  for (const tenantId of tenantIds) {
    if (!tenantOf.has(tenantId)) continue;
    const verification = await trails.verify(tenantId);
    if (verification.ok) report.chainsVerified += 1;
    else violation(undefined, `audit chain of ${tenantId} breaks at seq ${verification.brokenSeq}: ${verification.message}`);
  }
  return report;
}
