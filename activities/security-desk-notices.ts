import { ApplicationFailure } from '@temporalio/activity';
import { appendAuditEventOnce, type AuditEventInput } from '../libs/audit';
import { InvalidNoticeError, type Delivery, type Notice, type Notifier } from '../libs/connectors/email';
import type { NoticeReceipt } from '../libs/contracts';
import type { TenantScopedDatabase } from '../libs/db';
import { SECURITY_TENANT_ID, withSecurityTenant } from '../libs/security/security-tenant';

export interface SecurityDeskNoticeDependencies {
  db: TenantScopedDatabase;
  notifier: Notifier;
}

/**
 * Sends a notice once per delivery key and audits it in the security desk's trail under the same key, so a
 * retried activity neither sends nor records twice. A notice the notifier refuses (a bad address) cannot
 * succeed on retry and fails for good.
 */
export function createSecurityDeskNotices({ db, notifier }: SecurityDeskNoticeDependencies) {
  return {
    async send(notice: Notice, audit: Omit<AuditEventInput, 'outcome'>): Promise<Delivery> {
      const delivery = await deliver(notifier, notice);
      await withSecurityTenant(db, (tx) =>
        appendAuditEventOnce(tx, SECURITY_TENANT_ID, notice.deliveryKey, {
          ...audit,
          outcome: 'success',
          details: { ...audit.details, ...evidence(notice, delivery) },
        }),
      );
      return delivery;
    },
  };
}

export async function deliver(notifier: Notifier, notice: Notice): Promise<Delivery> {
  try {
    return await notifier.send(notice);
  } catch (error) {
    if (error instanceof InvalidNoticeError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidNotice');
    throw error;
  }
}

/** What the audit trail keeps of a delivery: when, how, to how many; the text stays in the delivery record. */
export function evidence(notice: Notice, delivery: Delivery): Record<string, unknown> {
  return {
    kind: notice.kind,
    deliveryKey: notice.deliveryKey,
    recipients: notice.recipients,
    deliveredAt: delivery.deliveredAt.toISOString(),
    channel: delivery.channel,
    messageId: delivery.messageId,
  };
}

export function receipt(delivery: Delivery): NoticeReceipt {
  return { deliveredAt: delivery.deliveredAt.toISOString(), channel: delivery.channel };
}
