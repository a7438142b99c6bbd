/**
 * Where a Jira grant is revoked, since Atlassian offers no API to revoke an OAuth 2.0 (3LO) grant: Custodian
 * destroys its tokens and data key, and the Jira admin removes the app at Atlassian.
 */
export const ATLASSIAN_APP_REVOCATION =
  'Atlassian has no API to revoke a Jira grant: the Jira admin who connected Custodian removes it at https://id.atlassian.com/manage-profile/apps, or a site admin under the site\'s administration, "Connected apps".';

/** What disconnecting a tenant from Jira does, in this order. */
export type JiraDisconnectionStepName =
  | 'sync_schedules_deleted'
  | 'sync_workflow_stopped'
  | 'webhooks_deregistered'
  | 'credential_shredded'
  | 'sync_data_key_shredded';

export interface JiraDisconnectionStep {
  step: JiraDisconnectionStepName;
  /** nothing_to_do: there was nothing of this kind (never synced, already gone). */
  outcome: 'done' | 'nothing_to_do' | 'failed';
  detail: string;
}

export interface JiraDisconnectionReport {
  /** The site the tenant was connected to, if one was chosen. */
  site: { cloudId: string; url: string } | null;
  steps: JiraDisconnectionStep[];
  /** Data keys destroyed: the credential's and the one the sync's raw Jira responses were encrypted under. */
  dataKeysDestroyed: number;
  /** Plain statement of where the grant itself is revoked. */
  revokeAppAt: string;
}
