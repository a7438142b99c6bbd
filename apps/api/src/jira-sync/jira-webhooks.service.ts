import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../../../../libs/config/app-config';
import { TenantScopedDatabase } from '../../../../libs/db';
import { JiraSyncSignals } from '../../../../libs/jira-sync/jira-sync-signals';
import { jiraWebhookSecretMatches, parseJiraWebhookToken } from '../../../../libs/jira-sync/jira-webhook-secret';
import { ApiError } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { JiraDeliverySignaller } from './jira-delivery-signaller';
import { jiraWebhookSignatureValid } from './jira-webhook-signature';

const ISSUE_KEY = /^[A-Z][A-Z0-9_]{1,9}-[1-9][0-9]{0,9}$/;

/**
 * A Jira webhook delivery: authenticated by the secret in its URL (hash compared in constant time) and by
 * Atlassian's JWT when it carries one, de-duplicated by X-Atlassian-Webhook-Identifier, and committed with its
 * issue key in one short transaction; then the answer. No Jira call and no wait on Temporal: the tenant's sync
 * workflow is signalled afterwards (coalesced per tenant) and takes the committed deliveries from the table, and
 * its reconciliation takes any whose signal was lost. A second delivery of a recorded identifier is a replay
 * (401, nothing changes).
 */
@Injectable()
export class JiraWebhooksService {
  private readonly logger = new Logger(JiraWebhooksService.name);
  private readonly signaller: JiraDeliverySignaller;

  constructor(
    private readonly db: TenantScopedDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    signals: JiraSyncSignals,
  ) {
    this.signaller = new JiraDeliverySignaller(signals);
  }

  async receive(token: string, headers: { identifier?: string; authorization?: string }, body: unknown): Promise<void> {
    const parsed = parseJiraWebhookToken(token);
    if (!parsed) throw unauthorized();
    const { tenantId, secret } = parsed;
    const identifier = headers.identifier?.trim();
    const issueKey = issueKeyOf(body);
    const valid = identifier && identifier.length <= 200 ? identifier : null;
    await this.db
      .withTenant(tenantId, async (tx) => {
        // One round trip: the delivery goes in (or meets its identifier) alongside what authenticates it; an
        // unauthenticated one is rolled back with the transaction.
        const [found] = await tx.$queryRaw<{ webhook_secret_hash: Uint8Array | null; cloud_id: string | null; inserted: boolean }[]>`
          WITH inserted AS (
            INSERT INTO jira_webhook_deliveries (tenant_id, identifier, issue_key)
            SELECT ${tenantId}::uuid, ${valid}::text, ${issueKey}::text WHERE ${valid}::text IS NOT NULL
            ON CONFLICT DO NOTHING RETURNING 1)
          SELECT (SELECT webhook_secret_hash FROM jira_sync_states) AS webhook_secret_hash,
                 (SELECT cloud_id FROM jira_sites) AS cloud_id,
                 EXISTS (SELECT 1 FROM inserted) AS inserted`;
        if (!found.webhook_secret_hash || !jiraWebhookSecretMatches(secret, found.webhook_secret_hash)) throw unauthorized();
        if (headers.authorization && this.config.jira && !jiraWebhookSignatureValid(headers.authorization, this.config.jira.clientSecret, found.cloud_id)) throw unauthorized();
        if (!valid) throw new ApiError(400, 'validation_failed', 'X-Atlassian-Webhook-Identifier is required', [{ field: 'X-Atlassian-Webhook-Identifier', problems: ['missing or longer than 200 characters'] }]);
        if (!found.inserted) throw unauthorized();
      })
      .catch((error: unknown) => this.notAccepted(tenantId, error));
    if (issueKey) this.signaller.committed(tenantId);
  }

  private notAccepted(tenantId: string, error: unknown): never {
    if (error instanceof ApiError) throw error;
    this.logger.error(`Jira webhook for tenant ${tenantId} not accepted: ${(error as Error).message}`);
    throw new ApiError(503, 'service_unavailable', 'the delivery could not be accepted now; retry later');
  }
}

function issueKeyOf(body: unknown): string | null {
  const key = (body as { issue?: { key?: unknown } } | null)?.issue?.key;
  return typeof key === 'string' && ISSUE_KEY.test(key) ? key : null;
}

function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized', 'this webhook delivery is not authenticated');
}
