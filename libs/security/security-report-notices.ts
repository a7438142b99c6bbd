import type { NoticeText } from './breach-notices';

export interface ReportSummary {
  ticketRef: string;
  summary: string;
  affectedAsset: string | null;
  acknowledgementDueAt: string;
}

/** To the security team when a report arrives. */
export function newReportNotice(report: ReportSummary): NoticeText {
  return {
    subject: `New vulnerability report ${report.ticketRef}: acknowledge by ${report.acknowledgementDueAt}`,
    body: [
      `A vulnerability report arrived as triage ticket ${report.ticketRef}.`,
      `Summary: ${report.summary}`,
      ...(report.affectedAsset ? [`Affected: ${report.affectedAsset}`] : []),
      `The reporter was promised an acknowledgement by ${report.acknowledgementDueAt} (2 business days).`,
      `Acknowledge it with POST /v1/security-reports/${report.ticketRef}/acknowledgement.`,
    ].join('\n'),
  };
}

export function acknowledgementReminderNotice(report: ReportSummary, reminder: number): NoticeText {
  return {
    subject: `Reminder ${reminder}: vulnerability report ${report.ticketRef} must be acknowledged by ${report.acknowledgementDueAt}`,
    body: [
      `Vulnerability report ${report.ticketRef} has not been acknowledged yet.`,
      `Summary: ${report.summary}`,
      `Due: ${report.acknowledgementDueAt}.`,
    ].join('\n'),
  };
}

export function acknowledgementOverdueNotice(report: ReportSummary, escalation: number): NoticeText {
  return {
    subject: `OVERDUE (${escalation}): vulnerability report ${report.ticketRef} was due for acknowledgement at ${report.acknowledgementDueAt}`,
    body: [
      `Vulnerability report ${report.ticketRef} missed its acknowledgement deadline (${report.acknowledgementDueAt}).`,
      `Summary: ${report.summary}`,
      'This escalation repeats every 24 hours until the report is acknowledged.',
    ].join('\n'),
  };
}

/** To the reporter, once an operator acknowledges. */
export function reporterAcknowledgementNotice(ticketRef: string, message: string | undefined): NoticeText {
  return {
    subject: `Your security report ${ticketRef} has been received and is being triaged`,
    body: [
      'Thank you for your report. Our security team has acknowledged it and is looking into it.',
      `Your reference is ${ticketRef}; please quote it in any follow-up.`,
      ...(message ? ['', message] : []),
    ].join('\n'),
  };
}
