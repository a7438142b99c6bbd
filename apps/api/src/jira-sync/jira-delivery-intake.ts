import type { TenantScopedDatabase } from '../../../../libs/db';

/** One webhook delivery as the endpoint received it, before anything is known about it. */
export interface JiraDelivery {
  secret: string;
  /** X-Atlassian-Webhook-Identifier, or null when missing or too long (refused once authenticated). */
  identifier: string | null;
  issueKey: string | null;
  authorization?: string;
}

/** What authenticates a tenant's deliveries: the stored hash of its URL secret and its Jira site. */
export interface JiraDeliveryCredentials {
  webhookSecretHash: Uint8Array | null;
  cloudId: string | null;
}

/** A delivery's fate: recorded, or refused with the reason the endpoint answers. */
export type JiraDeliveryVerdict = 'recorded' | 'unauthenticated' | 'missing_identifier' | 'replayed';

/** Judges one delivery against its tenant's credentials; 'accept' lets it be recorded. */
export type JiraDeliveryJudge = (delivery: JiraDelivery, credentials: JiraDeliveryCredentials) => 'accept' | Exclude<JiraDeliveryVerdict, 'recorded' | 'replayed'>;

/** Deliveries one transaction records at most. */
const MAX_BATCH = 500;

interface Waiting {
  delivery: JiraDelivery;
  settle(verdict: JiraDeliveryVerdict): void;
  fail(error: unknown): void;
}

/**
 * Records webhook deliveries in per-tenant batches: while one tenant's transaction commits, its next deliveries
 * gather, and the next transaction takes them all. Each delivery is still answered only once it is committed,
 * but a burst costs the database two statements and one commit per batch instead of per delivery, so the
 * endpoint keeps answering in milliseconds while the worker loads the same database. Deliveries are
 * authenticated before any of them is written; a batch that fails fails each of its deliveries.
 */
export class JiraDeliveryIntake {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly judge: JiraDeliveryJudge,
  ) {}

  record(tenantId: string, delivery: JiraDelivery): Promise<JiraDeliveryVerdict> {
    return new Promise((settle, fail) => {
      const queue = this.queues.get(tenantId);
      if (queue) {
        queue.push({ delivery, settle, fail });
        return;
      }
      this.queues.set(tenantId, [{ delivery, settle, fail }]);
      void this.drain(tenantId);
    });
  }

  /** Commits the tenant's gathered deliveries, batch after batch, until none are left. */
  private async drain(tenantId: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(tenantId)!;
      if (queue.length === 0) {
        this.queues.delete(tenantId);
        return;
      }
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const verdicts = await this.commit(tenantId, batch.map((waiting) => waiting.delivery));
        batch.forEach((waiting, index) => waiting.settle(verdicts[index]!));
      } catch (error) {
        for (const waiting of batch) waiting.fail(error);
      }
    }
  }

  private commit(tenantId: string, deliveries: JiraDelivery[]): Promise<JiraDeliveryVerdict[]> {
    return this.db.withTenant(tenantId, async (tx) => {
      const [stored] = await tx.$queryRaw<{ webhook_secret_hash: Uint8Array | null; cloud_id: string | null }[]>`
        SELECT (SELECT webhook_secret_hash FROM jira_sync_states) AS webhook_secret_hash, (SELECT cloud_id FROM jira_sites) AS cloud_id`;
      const credentials: JiraDeliveryCredentials = { webhookSecretHash: stored?.webhook_secret_hash ?? null, cloudId: stored?.cloud_id ?? null };
      const verdicts: (JiraDeliveryVerdict | 'accept')[] = deliveries.map((delivery) => this.judge(delivery, credentials));
      const accepted = deliveries.flatMap((delivery, index) => (verdicts[index] === 'accept' ? [{ index, identifier: delivery.identifier!, issueKey: delivery.issueKey }] : []));
      if (accepted.length === 0) return verdicts as JiraDeliveryVerdict[];
      const inserted = await tx.$queryRaw<{ identifier: string }[]>`
        INSERT INTO jira_webhook_deliveries (tenant_id, identifier, issue_key)
        SELECT ${tenantId}::uuid, d.identifier, d.issue_key
        FROM unnest(${accepted.map((entry) => entry.identifier)}::text[], ${accepted.map((entry) => entry.issueKey)}::text[]) AS d (identifier, issue_key)
        ON CONFLICT DO NOTHING RETURNING identifier`;
      // Of two deliveries with one identifier, the first recorded it; any later one, here or before, is a replay.
      const fresh = new Set(inserted.map((row) => row.identifier));
      for (const entry of accepted) {
        verdicts[entry.index] = fresh.delete(entry.identifier) ? 'recorded' : 'replayed';
      }
      return verdicts as JiraDeliveryVerdict[];
    });
  }
}
