import type { CredentialStore } from '../../libs/connectors/credential-store';
import { AtlassianOAuth } from '../../libs/connectors/jira/atlassian-oauth';
import { Secret } from '../../libs/crypto/secret';
import type { JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';

/** The product's JIRA_* settings for a simulator: Custodian's OAuth app and both Atlassian base URLs. */
export function jiraSimulatorEnv(jira: JiraCloudSimulator): Record<string, string> {
  return {
    JIRA_CLIENT_ID: jira.oauthClient.clientId,
    JIRA_CLIENT_SECRET: jira.oauthClient.clientSecret,
    JIRA_AUTH_BASE_URL: jira.authBaseUrl,
    JIRA_API_BASE_URL: jira.apiBaseUrl,
  };
}

/** Custodian's Atlassian OAuth client against the simulator. */
export function simulatorAtlassianOAuth(jira: JiraCloudSimulator, redirectUri = 'http://127.0.0.1:1/v1/integrations/jira/callback'): AtlassianOAuth {
  return new AtlassianOAuth({ clientId: jira.oauthClient.clientId, clientSecret: new Secret(jira.oauthClient.clientSecret), redirectUri, authBaseUrl: jira.authBaseUrl, apiBaseUrl: jira.apiBaseUrl });
}

/** The tenant's Jira admin consented (as the connect flow stores it): the app account's grant, encrypted. */
export async function storeJiraGrant(credentials: CredentialStore, jira: JiraCloudSimulator, tenantId: string, options: { expiresInSeconds?: number } = {}) {
  const issued = jira.issueTokens({ expiresInSeconds: options.expiresInSeconds });
  await credentials.save(
    tenantId,
    'jira',
    jira.site.url,
    { accessToken: new Secret(issued.accessToken), refreshToken: new Secret(issued.refreshToken), expiresAt: issued.expiresAt, scopes: issued.scopes },
    'test',
  );
  return issued;
}
