import type { CredentialStore } from '../credential-store';
import type { AtlassianOAuth } from './atlassian-oauth';
import { JiraConnectorError } from './jira-errors';
import { JiraSite } from './jira-site.connector';
import type { JiraSiteStore } from './jira-site-store';
import { JiraTokenRefresher } from './jira-token-refresher';

/** A tenant's connected Jira site, as the sync works on it. */
export interface ConnectedJiraSite {
  site: JiraSite;
  cloudId: string;
  siteUrl: string;
  /** The Atlassian account the app acts as: changes authored by it are Custodian's own. */
  accountId: string;
}

/**
 * Every tenant's Jira connection in this process: the chosen site (jira_sites), a connector on its REST base
 * and one token refresher per tenant over the encrypted credential store (which refreshes under the
 * credential's row lock, so several worker processes never refresh the same grant twice).
 */
export class JiraSiteConnections {
  /** Per tenant: its token refresher and the connector on its site (which keeps a jira.js client per token). */
  private readonly connectors = new Map<string, { cloudId: string; site: JiraSite }>();

  constructor(private readonly options: { credentials: CredentialStore; sites: JiraSiteStore; oauth: AtlassianOAuth | null }) {}

  /**
   * The tenant's site. Throws JiraReconsentRequired (not retryable) when no Atlassian app is configured, Jira is
   * not connected, Atlassian refused the grant (needs_reconsent), or the admin has not yet picked a site.
   */
  async siteFor(tenantId: string): Promise<ConnectedJiraSite> {
    const oauth = this.options.oauth;
    if (!oauth) throw notConnected('no Atlassian OAuth app is configured (JIRA_CLIENT_ID); Jira sync is off');
    const integration = await this.options.credentials.view(tenantId, 'jira');
    if (!integration) throw notConnected('Jira is not connected for this tenant; a tenant admin must connect it');
    if (integration.status !== 'active') throw notConnected('Atlassian refused this tenant\'s Jira grant; a tenant admin must connect Jira again');
    const record = await this.options.sites.get(tenantId);
    if (record?.state !== 'chosen') throw notConnected('the Jira grant reaches several sites and no site was chosen yet; a tenant admin must choose one');
    let connector = this.connectors.get(tenantId);
    if (connector?.cloudId !== record.cloudId) {
      const tokens = new JiraTokenRefresher({ tenantId, credentials: this.options.credentials, refresh: (refreshToken) => oauth.refresh(refreshToken) });
      connector = { cloudId: record.cloudId, site: new JiraSite({ host: oauth.siteApiBase(record.cloudId), tokens }) };
      this.connectors.set(tenantId, connector);
    }
    return { site: connector.site, cloudId: record.cloudId, siteUrl: record.url, accountId: record.accountId };
  }

  /** Forgets a tenant's cached access token (after a disconnect or a new consent). */
  forget(tenantId: string): void {
    this.connectors.delete(tenantId);
  }
}

function notConnected(message: string): JiraConnectorError {
  return new JiraConnectorError('JiraReconsentRequired', message, false);
}
