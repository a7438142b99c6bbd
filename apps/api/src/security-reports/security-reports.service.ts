import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { appendAuditEvent } from '../../../../libs/audit';
import type { AppConfig } from '../../../../libs/config/app-config';
import {
  acknowledgeReportUpdate,
  acknowledgementDueAt,
  formatTicketRef,
  TENANT_ID_SEARCH_ATTRIBUTE,
  TICKET_REF_PATTERN,
  TICKET_REF_SEARCH_ATTRIBUTE,
  VULNERABILITY_REPORT_WORKFLOW,
  vulnerabilityReportStateQuery,
  vulnerabilityReportWorkflowId,
  type ReportAcknowledgement,
  type VulnerabilityReportInput,
  type VulnerabilityReportState,
} from '../../../../libs/contracts';
import { TenantScopedDatabase } from '../../../../libs/db';
import type { SecurityDeskConfig } from '../../../../libs/security/security-desk-config';
import { SECURITY_TENANT_ID, withSecurityTenant } from '../../../../libs/security/security-tenant';
import { ApiError, notFound } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { executeWorkflowUpdate } from '../platform/workflow-update';
import { SECURITY_DESK_CONFIG } from './security-desk-config.provider';
import type { SubmitSecurityReportDto } from './submit-security-report.dto';

const QUERY_DEADLINE_MS = 3_000;

export interface SecurityReportReceipt {
  ref: string;
  receivedAt: string;
  acknowledgementDueAt: string;
}

export interface SecurityReportView extends SecurityReportReceipt {
  id: string;
  ticketId: string;
  ticketStatus: string;
  summary: string;
  details: string | null;
  reporterEmail: string;
  reporterName: string | null;
  affectedAsset: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgementOverdueAt: string | null;
  workflow: { id: string; state: VulnerabilityReportState | null };
}

/**
 * Vulnerability reports from anyone: stored with a triage ticket in the security desk's tenant, then
 * followed by a vulnerability report workflow that holds the team to the acknowledgement promise.
 */
@Injectable()
export class SecurityReportsService {
  private readonly logger = new Logger(SecurityReportsService.name);

  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
    @Inject(SECURITY_DESK_CONFIG) private readonly config: SecurityDeskConfig,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  async submit(report: SubmitSecurityReportDto): Promise<SecurityReportReceipt> {
    const receivedAt = new Date();
    const holidays = this.config.holidays;
    const dueAt = new Date(acknowledgementDueAt(receivedAt.getTime(), holidays));
    const { ref, reportId } = await withSecurityTenant(this.db, async (tx) => {
      // The tenant row lock serialises numbering, as for every tenant's tickets.
      const desk = await tx.tenant.update({ where: { id: SECURITY_TENANT_ID }, data: { lastTicketNumber: { increment: 1 } } });
      const ticketRef = formatTicketRef(desk.lastTicketNumber);
      const ticket = await tx.ticket.create({
        data: {
          tenantId: SECURITY_TENANT_ID,
          ref: ticketRef,
          type: 'security_report',
          status: 'new',
          summary: report.summary,
          description: report.details,
          priority: 'high',
          requester: report.reporterEmail,
          workflowId: vulnerabilityReportWorkflowId(ticketRef),
        },
      });
      const stored = await tx.securityReport.create({
        data: {
          tenantId: SECURITY_TENANT_ID,
          ticketId: ticket.id,
          reporterEmail: report.reporterEmail,
          reporterName: report.reporterName ?? null,
          affectedAsset: report.affectedAsset ?? null,
          receivedAt,
          acknowledgementDueAt: dueAt,
        },
      });
      await appendAuditEvent(tx, SECURITY_TENANT_ID, {
        actor: 'public:security-report',
        action: 'security_report.received',
        target: ticketRef,
        outcome: 'success',
        details: { reportId: stored.id, ticketId: ticket.id, acknowledgementDueAt: dueAt.toISOString() },
      });
      return { ref: ticketRef, reportId: stored.id };
    });
    const input: VulnerabilityReportInput = { reportId, ticketRef: ref, receivedAt: receivedAt.toISOString(), holidays };
    try {
      await this.temporal.workflow.start(VULNERABILITY_REPORT_WORKFLOW, {
        workflowId: vulnerabilityReportWorkflowId(ref),
        taskQueue: this.appConfig.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: TENANT_ID_SEARCH_ATTRIBUTE, value: SECURITY_TENANT_ID },
          { key: TICKET_REF_SEARCH_ATTRIBUTE, value: ref },
        ],
      });
    } catch (error) {
      this.logger.error(`could not start the workflow of security report ${ref}: ${(error as Error).message}`);
      throw new ApiError(503, 'service_unavailable', `your report was stored as ${ref}, but the security team could not be alerted; please try again later`);
    }
    return { ref, receivedAt: receivedAt.toISOString(), acknowledgementDueAt: dueAt.toISOString() };
  }

  async get(ref: string): Promise<SecurityReportView> {
    const { ticket, report } = await this.findReport(ref);
    const state = await this.temporal
      .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => this.temporal.workflow.getHandle(ticket.workflowId).query(vulnerabilityReportStateQuery))
      .catch((error: unknown): null => {
        this.logger.warn(`query on ${ticket.workflowId} failed: ${(error as Error).message}`);
        return null;
      });
    return {
      id: report.id,
      ref: ticket.ref,
      ticketId: ticket.id,
      ticketStatus: ticket.status,
      summary: ticket.summary,
      details: ticket.description,
      reporterEmail: report.reporterEmail,
      reporterName: report.reporterName,
      affectedAsset: report.affectedAsset,
      receivedAt: report.receivedAt.toISOString(),
      acknowledgementDueAt: report.acknowledgementDueAt.toISOString(),
      acknowledgedAt: report.acknowledgedAt?.toISOString() ?? null,
      acknowledgedBy: report.acknowledgedBy,
      acknowledgementOverdueAt: report.acknowledgementOverdueAt?.toISOString() ?? null,
      workflow: { id: ticket.workflowId, state },
    };
  }

  async acknowledge(ref: string, message: string | undefined, by: string): Promise<ReportAcknowledgement> {
    const { ticket } = await this.findReport(ref);
    return executeWorkflowUpdate(this.temporal, ticket.workflowId, `security report ${ref}`, acknowledgeReportUpdate, {
      by,
      ...(message ? { message } : {}),
    });
  }

  private async findReport(ref: string) {
    if (!TICKET_REF_PATTERN.test(ref)) throw new ApiError(400, 'bad_request', 'a security report reference looks like CT-000123');
    const found = await withSecurityTenant(this.db, (tx) =>
      tx.ticket.findFirst({ where: { ref, type: 'security_report' }, include: { securityReport: true } }),
    );
    if (!found?.securityReport) throw notFound(`security report ${ref}`);
    const { securityReport: report, ...ticket } = found;
    return { ticket, report };
  }
}
