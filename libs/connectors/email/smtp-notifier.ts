import { createTransport, type Transporter } from 'nodemailer';
import type { DeliveryLog } from './delivery-log';
import { assertValidNotice, type Delivery, type Notice, type Notifier } from './notifier';

/**
 * Real email through SMTP (SMTP_URL, e.g. smtps://user:pass@mail.example.com:465, and NOTIFY_FROM).
 * A notice already delivered under its key is not sent again; SMTP itself is at-least-once, so a crash
 * between the server's acceptance and the record can still send twice, never zero times.
 */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;

  constructor(
    private readonly log: DeliveryLog,
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = createTransport(smtpUrl);
  }

  async send(notice: Notice): Promise<Delivery> {
    assertValidNotice(notice);
    const earlier = await this.log.find(notice);
    if (earlier) return earlier;
    const info = await this.transport.sendMail({
      from: this.from,
      to: notice.recipients,
      subject: notice.subject,
      text: notice.body,
      headers: { 'X-Custodian-Delivery-Key': notice.deliveryKey },
    });
    return this.log.record(notice, 'smtp', info.messageId ?? null);
  }

  close(): void {
    this.transport.close();
  }
}
