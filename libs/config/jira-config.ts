import { ConfigError } from './config-error';
import { httpUrlSetting } from './http-url-setting';

type Env = Record<string, string | undefined>;

/** Custodian's Atlassian OAuth 2.0 (3LO) app and, for the simulator, where Atlassian's endpoints are. */
export interface JiraConfig {
  clientId: string;
  clientSecret: string;
  /** Where Atlassian sends the admin back after consent: this API's /v1/integrations/jira/callback. */
  redirectUri: string;
  /** Consent and token endpoints: https://auth.atlassian.com unless JIRA_AUTH_BASE_URL says otherwise. */
  authBaseUrl: string;
  /** Accessible resources and the /ex/jira/{cloudId} REST bases: https://api.atlassian.com unless JIRA_API_BASE_URL says otherwise. */
  apiBaseUrl: string;
}

/**
 * Jira is optional: without JIRA_CLIENT_ID the product runs and connecting Jira answers that no Jira app is
 * configured. With it, the secret is required and every URL must parse.
 */
export function loadJiraConfig(env: Env, apiBaseUrl: string): JiraConfig | null {
  const clientId = env.JIRA_CLIENT_ID;
  if (!clientId) return null;
  const clientSecret = env.JIRA_CLIENT_SECRET;
  if (!clientSecret) throw new ConfigError('JIRA_CLIENT_SECRET is not set (JIRA_CLIENT_ID is)');
  return {
    clientId,
    clientSecret,
    redirectUri: httpUrlSetting(env, 'JIRA_OAUTH_REDIRECT_URI') ?? `${apiBaseUrl}/v1/integrations/jira/callback`,
    authBaseUrl: withoutSlash(httpUrlSetting(env, 'JIRA_AUTH_BASE_URL') ?? 'https://auth.atlassian.com'),
    apiBaseUrl: withoutSlash(httpUrlSetting(env, 'JIRA_API_BASE_URL') ?? 'https://api.atlassian.com'),
  };
}

function withoutSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
