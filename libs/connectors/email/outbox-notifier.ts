import type { DeliveryLog } from './delivery-log';
import { assertValidNotice, type Delivery, type Notice, type Notifier } from './notifier';

/** The embedded default: a notice is delivered by being written to the outbox, where people (and tests) read it. */
export class OutboxNotifier implements Notifier {
  constructor(private readonly log: DeliveryLog) {}

  async send(notice: Notice): Promise<Delivery> {
    assertValidNotice(notice);
    return this.log.record(notice, 'outbox', null);
  }
}
