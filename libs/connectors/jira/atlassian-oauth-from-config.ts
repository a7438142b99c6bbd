import type { JiraConfig } from '../../config/jira-config';
import { Secret } from '../../crypto/secret';
import { AtlassianOAuth } from './atlassian-oauth';

/** Custodian's Atlassian OAuth app from JIRA_* settings, or null when none is configured. */
export function atlassianOAuthFromConfig(config: JiraConfig | null): AtlassianOAuth | null {
  if (!config) return null;
  return new AtlassianOAuth({ clientId: config.clientId, clientSecret: new Secret(config.clientSecret), redirectUri: config.redirectUri, authBaseUrl: config.authBaseUrl, apiBaseUrl: config.apiBaseUrl });
}
