import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../../../../libs/config/app-config';
import { TenantScopedDatabase } from '../../../../libs/db';
import { JiraSyncSignals } from '../../../../libs/jira-sync/jira-sync-signals';
import { jiraWebhookSecretMatches, parseJiraWebhookToken } from '../../../../libs/jira-sync/jira-webhook-secret';
import { ApiError } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { JiraDeliveryIntake, type JiraDelivery, type JiraDeliveryCredentials, type JiraDeliveryJudge } from './jira-delivery-intake';
import { JiraDeliverySignaller } from './jira-delivery-signaller';
import { jiraWebhookSignatureValid } from './jira-webhook-signature';

const ISSUE_KEY = /^[A-Z][A-Z0-9_]{1,9}-[1-9][0-9]{0,9}$/;

/**
 * A Jira webhook delivery: authenticated by the secret in its URL (hash compared in constant time) and by
 * Atlassian's JWT when it carries one, de-duplicated by X-Atlassian-Webhook-Identifier, and committed with its
 * issue key (in a batch with the tenant's other deliveries of the moment, see JiraDeliveryIntake); then the
 * answer. No Jira call and no wait on Temporal: the tenant's sync workflow is signalled afterwards (coalesced per
 * tenant) and takes the committed deliveries from the table, and its reconciliation takes any whose signal was
 * lost. A second delivery of a recorded identifier is a replay (401, nothing changes).
 */
@Injectable()
export class JiraWebhooksService {
  private readonly logger = new Logger(JiraWebhooksService.name);
  private readonly signaller: JiraDeliverySignaller;
  private readonly intake: JiraDeliveryIntake;

  constructor(
    db: TenantScopedDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    signals: JiraSyncSignals,
  ) {
    this.signaller = new JiraDeliverySignaller(signals);
    this.intake = new JiraDeliveryIntake(db, (delivery, credentials) => this.judge(delivery, credentials));
  }

  async receive(token: string, headers: { identifier?: string; authorization?: string }, body: unknown): Promise<void> {
    const parsed = parseJiraWebhookToken(token);
    if (!parsed) throw unauthorized();
    const { tenantId, secret } = parsed;
    const identifier = headers.identifier?.trim();
    const issueKey = issueKeyOf(body);
    const verdict = await this.intake
      .record(tenantId, { secret, identifier: identifier && identifier.length <= 200 ? identifier : null, issueKey, authorization: headers.authorization })
      .catch((error: unknown) => this.notAccepted(tenantId, error));
    if (verdict === 'missing_identifier') throw new ApiError(400, 'validation_failed', 'X-Atlassian-Webhook-Identifier is required', [{ field: 'X-Atlassian-Webhook-Identifier', problems: ['missing or longer than 200 characters'] }]);
    if (verdict !== 'recorded') throw unauthorized();
    if (issueKey) this.signaller.committed(tenantId);
  }

  /** Authenticates a delivery by its URL secret and, when it carries one, Atlassian's JWT; then wants an identifier. */
  private judge(delivery: JiraDelivery, credentials: JiraDeliveryCredentials): ReturnType<JiraDeliveryJudge> {
    if (!credentials.webhookSecretHash || !jiraWebhookSecretMatches(delivery.secret, credentials.webhookSecretHash)) return 'unauthenticated';
    if (delivery.authorization && this.config.jira && !jiraWebhookSignatureValid(delivery.authorization, this.config.jira.clientSecret, credentials.cloudId)) return 'unauthenticated';
    return delivery.identifier ? 'accept' : 'missing_identifier';
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
