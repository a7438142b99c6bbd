/** One notice to people, e.g. a tenant's admins or the security team. */
export interface Notice {
  /** The tenant the notice concerns; absent for platform notices (security team, regulators). */
  tenantId?: string;
  /** Same key, same notice: a retried send returns the first delivery instead of sending again. */
  deliveryKey: string;
  /** Dotted type, e.g. tenant.deletion.requested, for filtering evidence. */
  kind: string;
  recipients: string[];
  subject: string;
  body: string;
}

export interface Delivery {
  deliveredAt: Date;
  channel: 'outbox' | 'smtp';
  messageId: string | null;
  /** False when the delivery key had been delivered before and nothing was sent now. */
  firstDelivery: boolean;
}

/** How Custodian tells people things; the evidence of each delivery is kept either way. */
export interface Notifier {
  send(notice: Notice): Promise<Delivery>;
}

export class InvalidNoticeError extends Error {
  override name = 'InvalidNoticeError';
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export function assertValidNotice(notice: Notice): void {
  if (notice.recipients.length === 0) throw new InvalidNoticeError('a notice needs at least one recipient');
  const bad = notice.recipients.find((recipient) => !EMAIL.test(recipient));
  if (bad !== undefined) throw new InvalidNoticeError(`not an email address: ${bad}`);
  if (/[\r\n]/.test(notice.subject)) throw new InvalidNoticeError('a subject is one line');
}
