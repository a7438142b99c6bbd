import type { Client } from '@temporalio/client';
import type { CredentialStore } from '../connectors/credential-store';
import type { AtlassianOAuth } from '../connectors/jira/atlassian-oauth';
import { JiraSiteConnections } from '../connectors/jira/jira-site-connections';
import { JiraSiteStore } from '../connectors/jira/jira-site-store';
import type { EnvelopeEncryption } from '../crypto/envelope-encryption';
import type { TenantScopedDatabase } from '../db';
import { TicketAttachmentStore } from '../tickets/ticket-attachment-store';
import { JiraAttachmentSync } from './jira-attachment-sync';
import { JiraIssuePages } from './jira-issue-pages';
import { JiraPairSync } from './jira-pair-sync';
import { JiraRawResponses } from './jira-raw-responses';
import { JiraSiteSync } from './jira-site-sync';
import { JiraSyncSignals } from './jira-sync-signals';
import { JiraSyncStateStore } from './jira-sync-state-store';
import { JiraWebhookDeliveries } from './jira-webhook-deliveries';

export interface JiraSyncEngine {
  pairs: JiraPairSync;
  sites: JiraSiteSync;
  issuePages: JiraIssuePages;
  deliveries: JiraWebhookDeliveries;
  states: JiraSyncStateStore;
  signals: JiraSyncSignals;
}

/** The sync engine over its dependencies, as the worker (and tests) run it; null without an Atlassian app. */
export function createJiraSyncEngine(options: {
  db: TenantScopedDatabase;
  encryption: EnvelopeEncryption;
  credentials: CredentialStore;
  oauth: AtlassianOAuth | null;
  temporal: Client;
  taskQueue: string;
  /** Where Jira reaches the API's webhook endpoint (API_PUBLIC_URL). */
  webhookBaseUrl: string;
  /** The largest Jira file taken onto a ticket (TICKET_ATTACHMENT_MAX_BYTES); 10 MiB when absent. */
  attachmentMaxBytes?: number;
}): JiraSyncEngine | null {
  if (!options.oauth) return null;
  const { db, encryption, credentials, oauth } = options;
  const connections = new JiraSiteConnections({ credentials, sites: new JiraSiteStore(db), oauth });
  const states = new JiraSyncStateStore(db, encryption);
  const raw = new JiraRawResponses(db, encryption);
  const signals = new JiraSyncSignals(options.temporal, options.taskQueue);
  return {
    pairs: new JiraPairSync({ db, connections, states, raw, attachments: new JiraAttachmentSync({ db, attachments: new TicketAttachmentStore(db, encryption), maxBytes: options.attachmentMaxBytes ?? 10 * 1024 * 1024 }) }),
    sites: new JiraSiteSync({ db, connections, states, raw, signals, webhookBaseUrl: options.webhookBaseUrl }),
    issuePages: new JiraIssuePages({ db, connections, states, raw }),
    deliveries: new JiraWebhookDeliveries(db),
    states,
    signals,
  };
}
