import type { PrismaClient } from '../../db';
import { TenantScopedDatabase } from '../../db';
import type { Delivery, Notice } from './notifier';

type Recorded = { deliveredAt: Date; channel: string; messageId: string | null };

/**
 * The evidence table behind every notifier: tenant notices in `notifications` (row-level security),
 * platform notices in `platform_notifications`. Recording is idempotent on the delivery key.
 */
export class DeliveryLog {
  private readonly db: TenantScopedDatabase;

  constructor(private readonly prisma: PrismaClient) {
    this.db = new TenantScopedDatabase(prisma);
  }

  async find(notice: Notice): Promise<Delivery | undefined> {
    const found = notice.tenantId
      ? await this.db.withTenant(notice.tenantId, (tx) =>
          tx.notification.findUnique({ where: { tenantId_deliveryKey: { tenantId: notice.tenantId!, deliveryKey: notice.deliveryKey } } }),
        )
      : await this.prisma.platformNotification.findUnique({ where: { deliveryKey: notice.deliveryKey } });
    return found ? toDelivery(found, false) : undefined;
  }

  async record(notice: Notice, channel: 'outbox' | 'smtp', messageId: string | null): Promise<Delivery> {
    const data = {
      deliveryKey: notice.deliveryKey,
      kind: notice.kind,
      recipients: notice.recipients,
      subject: notice.subject,
      body: notice.body,
      channel,
      messageId,
    };
    // ON CONFLICT DO NOTHING semantics: a concurrent duplicate keeps the first record.
    if (notice.tenantId) {
      const tenantId = notice.tenantId;
      const row = await this.db.withTenant(tenantId, async (tx) => {
        const inserted = await tx.notification.createManyAndReturn({ data: [{ tenantId, ...data }], skipDuplicates: true });
        return inserted[0] ? { row: inserted[0], first: true } : {
          row: await tx.notification.findUniqueOrThrow({ where: { tenantId_deliveryKey: { tenantId, deliveryKey: notice.deliveryKey } } }),
          first: false,
        };
      });
      return toDelivery(row.row, row.first);
    }
    const inserted = await this.prisma.platformNotification.createManyAndReturn({ data: [data], skipDuplicates: true });
    if (inserted[0]) return toDelivery(inserted[0], true);
    return toDelivery(await this.prisma.platformNotification.findUniqueOrThrow({ where: { deliveryKey: notice.deliveryKey } }), false);
  }
}

function toDelivery(row: Recorded, firstDelivery: boolean): Delivery {
  return { deliveredAt: row.deliveredAt, channel: row.channel as Delivery['channel'], messageId: row.messageId, firstDelivery };
}
