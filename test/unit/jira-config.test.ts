import { ConfigError, loadAppConfig } from '../../libs/config/app-config';

const base = { DATABASE_URL: 'postgresql://app:pw@127.0.0.1:5432/custodian', TEMPORAL_ADDRESS: '127.0.0.1:7233' };

describe('Jira config', () => {
  it('is off without JIRA_CLIENT_ID', () => {
    expect(loadAppConfig(base).jira).toBeNull();
  });

  it("turns Jira on with a client id and secret: Atlassian's hosts and a callback on this API unless told otherwise", () => {
    expect(loadAppConfig({ ...base, PORT: '9000', JIRA_CLIENT_ID: 'abc', JIRA_CLIENT_SECRET: 'ATOA-x' }).jira).toEqual({
      clientId: 'abc',
      clientSecret: 'ATOA-x',
      redirectUri: 'http://127.0.0.1:9000/v1/integrations/jira/callback',
      authBaseUrl: 'https://auth.atlassian.com',
      apiBaseUrl: 'https://api.atlassian.com',
    });
    const simulator = loadAppConfig({ ...base, JIRA_CLIENT_ID: 'abc', JIRA_CLIENT_SECRET: 'x', JIRA_AUTH_BASE_URL: 'http://127.0.0.1:8091/', JIRA_API_BASE_URL: 'http://127.0.0.1:8091', JIRA_OAUTH_REDIRECT_URI: 'https://custodian.example/v1/integrations/jira/callback' }).jira;
    expect(simulator).toMatchObject({ authBaseUrl: 'http://127.0.0.1:8091', apiBaseUrl: 'http://127.0.0.1:8091', redirectUri: 'https://custodian.example/v1/integrations/jira/callback' });
  });

  it('stops start-up on a missing secret or a URL that is not http(s)', () => {
    expect(() => loadAppConfig({ ...base, JIRA_CLIENT_ID: 'abc' })).toThrow(new ConfigError('JIRA_CLIENT_SECRET is not set (JIRA_CLIENT_ID is)'));
    expect(() => loadAppConfig({ ...base, JIRA_CLIENT_ID: 'abc', JIRA_CLIENT_SECRET: 'x', JIRA_API_BASE_URL: 'ftp://x' })).toThrow('JIRA_API_BASE_URL must be an http(s) URL');
  });
});
