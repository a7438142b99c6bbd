import { ApplicationFailure } from '@temporalio/activity';
import { appendAuditEventOnce } from '../libs/audit';
import type { Notifier } from '../libs/connectors/email';
import type { SecurityReportActivities } from '../libs/contracts';
import type { TenantScopedDatabase } from '../libs/db';
import type { SecurityDeskConfig } from '../libs/security/security-desk-config';
import {
  acknowledgementOverdueNotice,
  acknowledgementReminderNotice,
  newReportNotice,
  reporterAcknowledgementNotice,
  type ReportSummary,
} from '../libs/security/security-report-notices';
import { SECURITY_TENANT_ID, withSecurityTenant } from '../libs/security/security-tenant';
import { createSecurityDeskNotices } from './security-desk-notices';

export interface SecurityReportActivityDependencies {
  db: TenantScopedDatabase;
  notifier: Notifier;
  securityDesk: SecurityDeskConfig;
}

const ACTOR = 'workflow:vulnerability-report';

export function createSecurityReportActivities({ db, notifier, securityDesk }: SecurityReportActivityDependencies): SecurityReportActivities {
  const deskNotices = createSecurityDeskNotices({ db, notifier });

  const summary = async (ticketRef: string, acknowledgementDueAt: string): Promise<ReportSummary> => {
    const ticket = await withSecurityTenant(db, (tx) =>
      tx.ticket.findUnique({
        where: { tenantId_ref: { tenantId: SECURITY_TENANT_ID, ref: ticketRef } },
        select: { summary: true, securityReport: { select: { affectedAsset: true } } },
      }),
    );
    if (!ticket) throw ApplicationFailure.nonRetryable(`security report ${ticketRef} does not exist`, 'SecurityReportNotFound');
    return { ticketRef, summary: ticket.summary, affectedAsset: ticket.securityReport?.affectedAsset ?? null, acknowledgementDueAt };
  };

  const toTeam = async (deliveryKey: string, kind: string, recipients: string[], text: { subject: string; body: string }, ticketRef: string) => {
    await deskNotices.send(
      { deliveryKey, kind, recipients, ...text },
      { actor: ACTOR, action: 'security_report.team_notified', target: ticketRef, details: {} },
    );
  };

  return {
    async announceSecurityReport({ ticketRef, acknowledgementDueAt }) {
      const report = await summary(ticketRef, acknowledgementDueAt);
      await toTeam(`security-report/${ticketRef}/received`, 'security_report.received', securityDesk.securityTeam, newReportNotice(report), ticketRef);
    },

    async remindAcknowledgementDue({ ticketRef, acknowledgementDueAt, reminder }) {
      const report = await summary(ticketRef, acknowledgementDueAt);
      await toTeam(
        `security-report/${ticketRef}/reminder/${reminder}`,
        'security_report.acknowledgement_reminder',
        securityDesk.securityTeam,
        acknowledgementReminderNotice(report, reminder),
        ticketRef,
      );
    },

    /** The first escalation records the missed deadline on the report and in the trail, once. */
    async escalateOverdueAcknowledgement({ reportId, ticketRef, acknowledgementDueAt, escalation, at }) {
      await withSecurityTenant(db, async (tx) => {
        await tx.securityReport.updateMany({
          where: { id: reportId, acknowledgedAt: null, acknowledgementOverdueAt: null },
          data: { acknowledgementOverdueAt: new Date(at) },
        });
        await appendAuditEventOnce(tx, SECURITY_TENANT_ID, `security-report/${ticketRef}/overdue`, {
          actor: ACTOR,
          action: 'security_report.acknowledgement_overdue',
          target: ticketRef,
          outcome: 'failure',
          details: { reportId, acknowledgementDueAt, recordedAt: at },
        });
      });
      const report = await summary(ticketRef, acknowledgementDueAt);
      await toTeam(
        `security-report/${ticketRef}/overdue/${escalation}`,
        'security_report.acknowledgement_overdue',
        [...new Set([...securityDesk.securityTeam, ...securityDesk.escalation])],
        acknowledgementOverdueNotice(report, escalation),
        ticketRef,
      );
    },

    /** Retry-safe: the report and ticket change only the first time; the reporter's notice is keyed. */
    async acknowledgeSecurityReport({ reportId, ticketRef, by, at, onTime, message }) {
      const reporterEmail = await withSecurityTenant(db, async (tx) => {
        const report = await tx.securityReport.findUnique({ where: { id: reportId }, select: { reporterEmail: true, ticketId: true, acknowledgementDueAt: true } });
        if (!report) throw ApplicationFailure.nonRetryable(`security report ${ticketRef} does not exist`, 'SecurityReportNotFound');
        await tx.securityReport.updateMany({ where: { id: reportId, acknowledgedAt: null }, data: { acknowledgedAt: new Date(at), acknowledgedBy: by } });
        await tx.ticket.updateMany({ where: { id: report.ticketId, status: 'new' }, data: { status: 'triaged', updatedAt: new Date() } });
        await appendAuditEventOnce(tx, SECURITY_TENANT_ID, `security-report/${ticketRef}/acknowledged`, {
          actor: by,
          action: 'security_report.acknowledged',
          target: ticketRef,
          outcome: 'success',
          details: { reportId, acknowledgedAt: at, acknowledgementDueAt: report.acknowledgementDueAt.toISOString(), onTime },
        });
        return report.reporterEmail;
      });
      await deskNotices.send(
        {
          deliveryKey: `security-report/${ticketRef}/acknowledgement`,
          kind: 'security_report.acknowledged',
          recipients: [reporterEmail],
          ...reporterAcknowledgementNotice(ticketRef, message),
        },
        { actor: ACTOR, action: 'security_report.reporter_notified', target: ticketRef, details: {} },
      );
    },
  };
}
