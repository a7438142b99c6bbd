import { ApplicationFailure } from '@temporalio/activity';
import type { JiraConnectorError } from '../libs/connectors/jira/jira-errors';

/**
 * A Jira connector failure as the activity's failure: its type is the connector's (JiraRateLimited,
 * JiraNotFound, JiraReconsentRequired, ...), not retryable when Jira said so, and with Jira's Retry-After or
 * X-RateLimit-Reset as the next retry's delay. Jira's request id rides along in the details for operators.
 */
export function jiraActivityFailureOf(error: JiraConnectorError): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.type,
    message: error.message,
    nonRetryable: !error.retryable,
    nextRetryDelay: error.retryAfterMs,
    details: [{ jiraRequestId: error.requestId, status: error.status ?? null, errors: error.details.errors ?? null }],
  });
}
