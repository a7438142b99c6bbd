import type { BreachNoticeContent, IncidentEscalation } from '../contracts/breach-notification';

export interface NoticeText {
  subject: string;
  body: string;
}

/** To a tenant's admins: Custodian (processor) tells the controller, with the Art. 33(3) particulars. */
export function tenantBreachNotice(content: BreachNoticeContent, tenantName: string, contactPoint: string): NoticeText {
  return {
    subject: `Personal data breach notice ${content.incidentRef} for ${oneLine(tenantName)}`,
    body: [
      `Custodian has had a personal data breach that affects personal data we process for ${tenantName}.`,
      'As your processor we are notifying you so that you can meet your own obligations as controller.',
      '',
      ...particulars(content, contactPoint),
    ].join('\n'),
  };
}

/** The record a supervisory authority expects under GDPR Art. 33(3), for the DPO to file. */
export function regulatorBreachNotice(content: BreachNoticeContent, contactPoint: string): NoticeText {
  return {
    subject: `Personal data breach notification (GDPR Art. 33) ${content.incidentRef}`,
    body: [
      `Notification of a personal data breach under Article 33 GDPR, reference ${content.incidentRef}.`,
      '',
      ...particulars(content, contactPoint),
    ].join('\n'),
  };
}

function particulars(content: BreachNoticeContent, contactPoint: string): string[] {
  const approximately = (value: number | null) => (value === null ? 'not yet known' : `approximately ${value}`);
  return [
    `(a) Nature of the breach: ${content.description}`,
    `    Categories of personal data concerned: ${content.dataCategories.join(', ')}`,
    `    Data subjects concerned: ${approximately(content.approximateDataSubjects)}`,
    `    Personal data records concerned: ${approximately(content.approximateRecords)}`,
    `(b) Contact point for more information: ${contactPoint}`,
    `(c) Likely consequences: ${content.likelyConsequences}`,
    `(d) Measures taken or proposed, including to mitigate possible adverse effects: ${content.measuresTaken}`,
    `    Containment: ${content.containment}`,
    '',
    `Became aware of the breach: ${content.awarenessAt}`,
    `Notification deadline (72 hours after awareness): ${content.deadline}`,
    ...(content.delayReason ? [`Reasons for the delay (Art. 33(1)): ${content.delayReason}`] : []),
  ];
}

const ESCALATION_SUBJECTS: Record<IncidentEscalation['reason'], string> = {
  declared: 'declared',
  reminder: 'reminder',
  deadline_missed: 'DEADLINE MISSED',
  overdue: 'OVERDUE',
};

/** To the incident owner and the escalation contact. */
export function incidentEscalationNotice(escalation: IncidentEscalation): NoticeText {
  const hours = Math.trunc(escalation.timeRemainingMs / 3_600_000);
  const remaining = hours >= 0 ? `${hours} h left` : `${-hours} h past the deadline`;
  return {
    subject: `[${escalation.incidentRef}] breach notification ${ESCALATION_SUBJECTS[escalation.reason]}: ${remaining} (deadline ${escalation.deadline})`,
    body: [
      `Incident ${escalation.incidentRef}: notifications are due within 72 hours of awareness.`,
      `Became aware: ${escalation.awarenessAt}`,
      `Deadline: ${escalation.deadline} (${remaining})`,
      '',
      escalation.outstanding.length > 0 ? 'Still outstanding:' : 'Nothing is outstanding.',
      ...escalation.outstanding.map((item) => `- ${item}`),
      '',
      'Assess, approve or explain a delay through the API: /v1/incidents/' + escalation.incidentRef,
    ].join('\n'),
  };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
