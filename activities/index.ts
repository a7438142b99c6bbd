import type { Client } from '@temporalio/client';
import type { Notifier } from '../libs/connectors/email';
import type { GoogleDirectoryProvider } from '../libs/connectors/google/google-directory-provider';
import type { TenantCredentialRevoker } from '../libs/connectors/tenant-credential-revoker';
import type { TenantScopedDatabase } from '../libs/db';
import type { JiraDisconnection } from '../libs/jira-lifecycle/jira-disconnection';
import type { JiraSyncEngine } from '../libs/jira-sync/jira-sync-engine';
import type { OneTimeSecretStore } from '../libs/secrets/one-time-secret-store';
import type { SecurityDeskConfig } from '../libs/security/security-desk-config';
import { createBreachActivities } from './breach.activities';
import { cancellingOutsideCalls } from './cancellable-outside-calls';
import { createGoogleOperationActivities } from './google-operation.activities';
import { createJiraDisconnectActivities } from './jira-disconnect.activities';
import { createJiraSyncActivities } from './jira-sync.activities';
import { createOneTimeSecretExpiryActivities } from './one-time-secret-expiry.activities';
import { createRetentionActivities } from './retention.activities';
import { createSecurityReportActivities } from './security-report.activities';
import { createTenantDeletionActivities } from './tenant-deletion.activities';
import { createTenantExportActivities } from './tenant-export.activities';
import { createTicketActivities } from './ticket.activities';

export interface ActivityDependencies {
  db: TenantScopedDatabase;
  /** Every notice people get: the outbox table by default, SMTP by config. */
  notifier: Notifier;
  /** Security team, escalation and regulator notice recipients. */
  securityDesk: SecurityDeskConfig;
  /** The Temporal client, for activities that act on other workflows (tenant deletion stops the tenant's). */
  temporal: Client;
  /** Revokes a deleted tenant's provider grants. */
  credentialRevoker: TenantCredentialRevoker;
  /** Takes a deleted tenant off Jira (Schedules, sync, webhooks at Jira, credential and data keys). */
  jiraDisconnection: JiraDisconnection;
  /** Rows per tenant-deletion batch. */
  deletionBatchSize: number;
  /** Each tenant's Google Workspace Directory, over its stored grant. */
  google: GoogleDirectoryProvider;
  /** Temporary passwords, sealed and shown once. */
  secrets: OneTimeSecretStore;
  /** The Jira sync engine; null when no Atlassian OAuth app is configured. */
  jiraSync?: JiraSyncEngine | null;
}

/** Every activity the worker registers, built over its dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return cancellingOutsideCalls({
    ...createTicketActivities(deps),
    ...createSecurityReportActivities(deps),
    ...createBreachActivities(deps),
    ...createTenantDeletionActivities(deps),
    ...createTenantExportActivities(deps),
    ...createGoogleOperationActivities(deps),
    ...createOneTimeSecretExpiryActivities(deps),
    ...createRetentionActivities(deps),
    ...createJiraSyncActivities(deps),
    ...createJiraDisconnectActivities(deps),
  });
}
