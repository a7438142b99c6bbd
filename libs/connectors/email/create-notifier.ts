import type { PrismaClient } from '../../db';
import { DeliveryLog } from './delivery-log';
import type { Notifier } from './notifier';
import { OutboxNotifier } from './outbox-notifier';
import { SmtpNotifier } from './smtp-notifier';

/** SMTP when SMTP_URL is set (NOTIFY_FROM required then), the outbox table otherwise. */
export function createNotifier(prisma: PrismaClient, env: Record<string, string | undefined> = process.env): Notifier {
  const log = new DeliveryLog(prisma);
  if (!env.SMTP_URL) return new OutboxNotifier(log);
  if (!env.NOTIFY_FROM) throw new Error('NOTIFY_FROM must be set when SMTP_URL is');
  return new SmtpNotifier(log, env.SMTP_URL, env.NOTIFY_FROM);
}
