import { Logger } from '@nestjs/common';
import type { JiraSyncSignals } from '../../../../libs/jira-sync/jira-sync-signals';

/** After a failed signal, the next try waits this long (the reconciliation Schedule takes the deliveries anyway). */
const RETRY_AFTER_MS = 1_000;

/**
 * Tells a tenant's sync workflow that webhook deliveries were committed, at most one signal-with-start in flight
 * per tenant: deliveries committed while one is in flight are covered by one more after it, since the workflow
 * takes every pending delivery from the table. A burst of deliveries thus costs Temporal a few signals, and the
 * endpoint never waits for any of them.
 */
export class JiraDeliverySignaller {
  private readonly logger = new Logger(JiraDeliverySignaller.name);
  /** Tenants with a signal in flight, and whether another is owed after it. */
  private readonly inFlight = new Map<string, { again: boolean }>();

  constructor(private readonly signals: JiraSyncSignals) {}

  committed(tenantId: string): void {
    const running = this.inFlight.get(tenantId);
    if (running) {
      running.again = true;
      return;
    }
    this.inFlight.set(tenantId, { again: false });
    void this.send(tenantId);
  }

  private async send(tenantId: string): Promise<void> {
    const entry = this.inFlight.get(tenantId)!;
    try {
      entry.again = false;
      await this.signals.deliveriesCommitted(tenantId);
    } catch (error) {
      this.logger.warn(`Jira webhook deliveries of tenant ${tenantId} are committed but the sync was not signalled (${(error as Error).message}); trying again`);
      entry.again = true;
      await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS).unref());
    }
    if (entry.again) void this.send(tenantId);
    else this.inFlight.delete(tenantId);
  }
}
