import { jiraActivityFailureOf } from '../../activities/jira-activity-failure';
import { atlassianOAuthError, jiraApiError } from '../../libs/connectors/jira/jira-errors';

const NOW = Date.parse('2026-12-01T09:00:00.000Z');
const failure = (status: number | undefined, extra: Record<string, unknown> = {}) => ({ status, errorMessages: [], errors: {}, ...extra });

describe('Jira errors as Temporal activity failures', () => {
  it('retries a 429 after Retry-After seconds, or else until X-RateLimit-Reset', () => {
    const afterSeconds = jiraActivityFailureOf(jiraApiError('search', failure(429, { retryAfter: '12', requestId: 'r-1' }), [], NOW));
    expect(afterSeconds).toMatchObject({ type: 'JiraRateLimited', nonRetryable: false, nextRetryDelay: 12_000 });
    expect(afterSeconds.details).toEqual([{ jiraRequestId: 'r-1', status: 429, errors: null }]);
    const untilReset = jiraActivityFailureOf(jiraApiError('search', failure(429, { rateLimitReset: '2026-12-01T09:00:45.000Z' }), [], NOW));
    expect(untilReset).toMatchObject({ type: 'JiraRateLimited', nextRetryDelay: 45_000 });
  });

  it('does not retry 400 / 403 / 404, and a 400 keeps Jira\'s field errors', () => {
    const invalid = jiraApiError('edit', failure(400, { errorMessages: ['bad'], errors: { priority: 'The priority selected is invalid.' } }), [], NOW);
    expect(invalid.message).toContain('priority: The priority selected is invalid.');
    expect(jiraActivityFailureOf(invalid)).toMatchObject({ type: 'JiraInvalidRequest', nonRetryable: true, details: [{ errors: { priority: 'The priority selected is invalid.' } }] });
    expect(jiraActivityFailureOf(jiraApiError('get', failure(403), [], NOW))).toMatchObject({ type: 'JiraPermissionDenied', nonRetryable: true });
    expect(jiraActivityFailureOf(jiraApiError('get', failure(404), [], NOW))).toMatchObject({ type: 'JiraNotFound', nonRetryable: true });
  });

  it('retries 5xx and no answer; invalid_grant is a non-retryable call for re-consent', () => {
    expect(jiraActivityFailureOf(jiraApiError('get', failure(502), [], NOW))).toMatchObject({ type: 'JiraUnavailable', nonRetryable: false });
    expect(jiraActivityFailureOf(jiraApiError('get', failure(undefined, { networkError: 'ECONNRESET' }), [], NOW))).toMatchObject({ type: 'JiraUnavailable', nonRetryable: false });
    expect(jiraActivityFailureOf(atlassianOAuthError('token refresh', failure(403, { oauthError: 'invalid_grant' }), [], NOW))).toMatchObject({ type: 'JiraReconsentRequired', nonRetryable: true });
  });

  it('cuts the call\'s secrets out of anything Jira echoed', () => {
    const error = atlassianOAuthError('code exchange', failure(400, { errorMessages: ['bad code abc123 for secret s3cr3t'] }), ['abc123', 's3cr3t'], NOW);
    expect(error.message).not.toMatch(/abc123|s3cr3t/);
  });
});
