import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { appendAuditEventAtHead, prepareAuditAppend, type LockedAuditHead } from '../../../../libs/audit';
import type { AppConfig } from '../../../../libs/config/app-config';
import {
  formatTicketRef,
  TENANT_ID_SEARCH_ATTRIBUTE,
  TICKET_INTAKE_WORKFLOW,
  TICKET_REF_PATTERN,
  TICKET_REF_SEARCH_ATTRIBUTE,
  ticketIntakeStateQuery,
  ticketIntakeWorkflowId,
  type TicketIntakeInput,
  type TicketPriority,
  type TicketType,
} from '../../../../libs/contracts';
import { TenantScopedDatabase } from '../../../../libs/db';
import { ApiError, notFound } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { isUniqueViolation } from '../../../../libs/db/database-error';
import type { CreateTicketDto } from './create-ticket.dto';
import { recordedWorkflowView, toTicketView, type TicketView, type WorkflowView } from './ticket.view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const QUERY_DEADLINE_MS = 3_000;

@Injectable()
export class TicketsService {
  private readonly logger = new Logger(TicketsService.name);

  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  /**
   * Stores the ticket (with its audit event) and then starts its intake workflow. With an Idempotency-Key,
   * a repeat of the same request returns the first ticket and never creates a second one.
   */
  async create(
    tenantId: string,
    request: CreateTicketDto,
    actor: { name: string; auditActor: string },
    idempotencyKey?: string,
  ): Promise<{ ticket: TicketView; replayed: boolean }> {
    const fingerprint = createHash('sha256').update(JSON.stringify(canonicalRequest(request))).digest('hex');
    let result: { ticket: TicketView; replayed: boolean };
    try {
      result = await this.insertOnce(tenantId, request, actor, fingerprint, idempotencyKey);
    } catch (error) {
      // A concurrent request with the same key won the race; answer with its ticket.
      if (!idempotencyKey || !isUniqueViolation(error)) throw error;
      result = await this.insertOnce(tenantId, request, actor, fingerprint, idempotencyKey);
    }
    await this.startIntake(tenantId, result.ticket, actor.name);
    return result;
  }

  /**
   * The ticket with its intake workflow as the workflow's activity recorded it on the row: one query, no replay.
   * Temporal is asked only when the row has no record yet (the intake has not reached its activity) or when the
   * caller wants it live.
   */
  async get(tenantId: string, idOrRef: string, options: { live?: boolean } = {}): Promise<TicketView & { workflow: WorkflowView }> {
    const where = UUID.test(idOrRef) ? { id: idOrRef } : TICKET_REF_PATTERN.test(idOrRef) ? { ref: idOrRef } : undefined;
    if (!where) throw new ApiError(400, 'bad_request', 'ticket id must be a UUID or a reference like CT-000123');
    const row = await this.db.withTenant(tenantId, (tx) => tx.ticket.findFirst({ where }));
    if (!row) throw notFound('ticket');
    const ticket = toTicketView(row);
    const recorded = options.live ? undefined : recordedWorkflowView(row);
    return { ...ticket, workflow: recorded ?? (await this.workflowView(ticket.workflowId)) };
  }

  private insertOnce(
    tenantId: string,
    request: CreateTicketDto,
    actor: { name: string; auditActor: string },
    fingerprint: string,
    idempotencyKey?: string,
  ): Promise<{ ticket: TicketView; replayed: boolean }> {
    return this.db.withTenant(tenantId, async (tx) => {
      if (idempotencyKey) {
        const existing = await tx.ticket.findUnique({ where: { tenantId_idempotencyKey: { tenantId, idempotencyKey } } });
        if (existing) {
          if (existing.requestFingerprint !== fingerprint) {
            throw new ApiError(
              422,
              'idempotency_key_reused',
              'this Idempotency-Key was already used with a different request body',
            );
          }
          return { ticket: toTicketView(existing), replayed: true };
        }
      }
      // Before any lock: the signing key's row and plaintext, so nothing below waits on the KMS.
      await prepareAuditAppend(tx, tenantId);
      // The tenant row lock serialises numbering: refs are consecutive and never reused. From here to the commit
      // every ticket of this tenant waits, so what follows is two statements: the ticket with the audit head
      // lock (taken after the counter, the order of every writer that holds both), then the signed event.
      const [numbered] = await tx.$queryRaw<{ last_ticket_number: number }[]>`
        UPDATE tenants SET last_ticket_number = last_ticket_number + 1 WHERE id = ${tenantId}::uuid RETURNING last_ticket_number`;
      if (!numbered) throw notFound('tenant');
      const ref = formatTicketRef(numbered.last_ticket_number);
      const [row] = await tx.$queryRaw<(InsertedTicket & LockedAuditHead)[]>`
        WITH inserted AS (
          INSERT INTO tickets (tenant_id, ref, type, status, summary, description, priority, requester, assignee, workflow_id, idempotency_key, request_fingerprint)
          VALUES (${tenantId}::uuid, ${ref}, ${request.type}, 'new', ${request.summary}, ${request.description ?? null}::text, ${request.priority},
                  ${request.requester}, ${request.assignee ?? null}::text, ${ticketIntakeWorkflowId(tenantId, ref)},
                  ${idempotencyKey ?? null}::text, ${idempotencyKey ? fingerprint : null}::text)
          RETURNING *)
        SELECT inserted.id::text AS id, inserted.ref, inserted.type, inserted.status, inserted.summary, inserted.description, inserted.priority,
               inserted.requester, inserted.assignee, inserted.workflow_id AS "workflowId", inserted.version, inserted.created_at AS "createdAt",
               inserted.updated_at AS "updatedAt", head.last_seq, head.last_hash, head.event_at
        FROM inserted, LATERAL audit_lock_head(inserted.tenant_id) AS head`;
      await appendAuditEventAtHead(tx, tenantId, row, {
        actor: actor.auditActor,
        action: 'ticket.created',
        target: ref,
        outcome: 'success',
        details: { ticketId: row.id, type: row.type, priority: row.priority },
      });
      return { ticket: toTicketView(row), replayed: false };
    });
  }

  /** Idempotent: a repeat (or a retry after a crash between commit and start) finds the same workflow. */
  private async startIntake(tenantId: string, ticket: TicketView, requestedBy: string) {
    const input: TicketIntakeInput = {
      tenantId,
      ticketId: ticket.id,
      ticketRef: ticket.ref,
      type: ticket.type as TicketType,
      priority: ticket.priority as TicketPriority,
      requestedBy,
    };
    try {
      await this.temporal.workflow.start(TICKET_INTAKE_WORKFLOW, {
        workflowId: ticket.workflowId,
        taskQueue: this.appConfig.temporal.taskQueue,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId },
          { key: TICKET_REF_SEARCH_ATTRIBUTE, value: ticket.ref },
        ],
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      this.logger.error(`could not start ${ticket.workflowId}: ${(error as Error).message}`);
      throw new ApiError(
        503,
        'service_unavailable',
        `ticket ${ticket.ref} was saved but its workflow could not be started; retry with the same Idempotency-Key`,
      );
    }
  }

  private async workflowView(workflowId: string): Promise<WorkflowView> {
    const handle = this.temporal.workflow.getHandle(workflowId);
    const deadline = () => Date.now() + QUERY_DEADLINE_MS;
    try {
      const description = await this.temporal.withDeadline(deadline(), () => handle.describe());
      const state = await this.temporal
        .withDeadline(deadline(), () => handle.query(ticketIntakeStateQuery))
        .catch((error: unknown): null => {
          this.logger.warn(`query on ${workflowId} failed: ${(error as Error).message}`);
          return null;
        });
      return { id: workflowId, status: description.status.name, state };
    } catch (error) {
      this.logger.warn(`describe of ${workflowId} failed: ${(error as Error).message}`);
      return { id: workflowId, status: 'UNKNOWN', state: null };
    }
  }
}

/** The ticket columns the insert returns, named as toTicketView reads them. */
type InsertedTicket = Parameters<typeof toTicketView>[0];

/** Field order and defaults must not change the fingerprint of the same request. */
function canonicalRequest(request: CreateTicketDto) {
  return {
    type: request.type,
    summary: request.summary,
    description: request.description ?? null,
    priority: request.priority,
    requester: request.requester,
    assignee: request.assignee ?? null,
  };
}
