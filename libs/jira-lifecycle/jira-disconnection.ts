import { ScheduleNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CredentialStore } from '../connectors/credential-store';
import type { AtlassianOAuth } from '../connectors/jira/atlassian-oauth';
import { JiraConnectorError } from '../connectors/jira/jira-errors';
import { JiraSiteConnections, type ConnectedJiraSite } from '../connectors/jira/jira-site-connections';
import { JiraSiteStore } from '../connectors/jira/jira-site-store';
import {
  ATLASSIAN_APP_REVOCATION,
  jiraReconcileScheduleId,
  jiraSyncWorkflowId,
  jiraWebhookRefreshScheduleId,
  type JiraDisconnectionReport,
  type JiraDisconnectionStep,
  type JiraDisconnectionStepName,
} from '../contracts';
import type { EnvelopeEncryption } from '../crypto/envelope-encryption';
import type { TenantScopedDatabase } from '../db';
import { JiraSyncStateStore } from '../jira-sync/jira-sync-state-store';

/** Retried by throwing (the activity's retry policy and Retry-After) this many attempts before it is reported failed. */
const WEBHOOK_ATTEMPTS = 5;
/** Raw responses deleted per statement before their key goes. */
const RAW_RESPONSE_BATCH = 1000;

/**
 * Takes a tenant off Jira, in an order that leaves nothing able to start again: the sync Schedules first (they
 * would restart the sync), then the sync workflow, then Custodian's dynamic webhooks at Jira (the last use of
 * the grant), then the credential and both Jira data keys (crypto-shredding: the tokens and raw Jira responses,
 * backups included, can no longer be decrypted). Each step reports what it did; a step already reported (an
 * earlier attempt's heartbeat) is not run again.
 */
export class JiraDisconnection {
  constructor(
    private readonly options: {
      db: TenantScopedDatabase;
      temporal: Client;
      credentials: CredentialStore;
      sites: JiraSiteStore;
      connections: JiraSiteConnections;
      states: JiraSyncStateStore;
    },
  ) {}

  /** Null when the tenant never connected Jira (no credential, site or sync state). `only`: just these steps, in this order (Disconnect & clean up runs them around its issue clean-up). */
  async disconnect(
    tenantId: string,
    run: { actor: string; attempt: number; done: JiraDisconnectionStep[]; onStep(steps: JiraDisconnectionStep[]): void; only?: JiraDisconnectionStepName[] },
  ): Promise<JiraDisconnectionReport | null> {
    const [credential, site, state] = await Promise.all([
      this.options.credentials.view(tenantId, 'jira'),
      this.options.sites.get(tenantId),
      this.options.states.get(tenantId),
    ]);
    if (!credential && !site && !state && run.done.length === 0) return null;
    const steps = [...run.done];
    const step = async (name: JiraDisconnectionStepName, work: () => Promise<Omit<JiraDisconnectionStep, 'step'>>) => {
      if (steps.some((taken) => taken.step === name) || (run.only && !run.only.includes(name))) return;
      steps.push({ step: name, ...(await work()) });
      run.onStep(steps);
    };

    await step('sync_schedules_deleted', () => this.deleteSchedules(tenantId));
    await step('sync_workflow_stopped', () => this.stopSync(tenantId));
    await step('webhooks_deregistered', () => this.deregisterWebhooks(tenantId, run.attempt));
    await step('credential_shredded', async () =>
      (await this.options.credentials.remove(tenantId, 'jira', run.actor))
        ? { outcome: 'done', detail: 'the Jira tokens\' data key was destroyed with the credential' }
        : { outcome: 'nothing_to_do', detail: 'no Jira credential was stored' },
    );
    await step('sync_data_key_shredded', () => this.shredSyncDataKey(tenantId));
    return {
      site: site?.state === 'chosen' ? { cloudId: site.cloudId, url: site.url } : null,
      steps,
      dataKeysDestroyed: steps.filter((taken) => (taken.step === 'credential_shredded' || taken.step === 'sync_data_key_shredded') && taken.outcome === 'done').length,
      revokeAppAt: ATLASSIAN_APP_REVOCATION,
    };
  }

  /** The tenant's connected site (Disconnect & clean up edits its issues before the grant is shredded). */
  siteFor(tenantId: string): Promise<ConnectedJiraSite> {
    return this.options.connections.siteFor(tenantId);
  }

  private async deleteSchedules(tenantId: string): Promise<Omit<JiraDisconnectionStep, 'step'>> {
    const deleted: string[] = [];
    for (const scheduleId of [jiraReconcileScheduleId(tenantId), jiraWebhookRefreshScheduleId(tenantId)]) {
      try {
        await this.options.temporal.schedule.getHandle(scheduleId).delete();
        deleted.push(scheduleId);
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    }
    return deleted.length > 0 ? { outcome: 'done', detail: `deleted ${deleted.join(', ')}` } : { outcome: 'nothing_to_do', detail: 'no Jira sync Schedule existed' };
  }

  private async stopSync(tenantId: string): Promise<Omit<JiraDisconnectionStep, 'step'>> {
    const workflowId = jiraSyncWorkflowId(tenantId);
    try {
      const handle = this.options.temporal.workflow.getHandle(workflowId);
      if ((await handle.describe()).status.name !== 'RUNNING') return { outcome: 'nothing_to_do', detail: `${workflowId} was not running` };
      await handle.terminate('the tenant is disconnected from Jira');
      return { outcome: 'done', detail: `terminated ${workflowId}` };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { outcome: 'nothing_to_do', detail: `${workflowId} was not running` };
      throw error;
    }
  }

  /** DELETE /rest/api/3/webhook with the ids the sync stored; a grant Jira refuses leaves them to expire there. */
  private async deregisterWebhooks(tenantId: string, attempt: number): Promise<Omit<JiraDisconnectionStep, 'step'>> {
    const state = await this.options.states.get(tenantId);
    const ids = state?.webhookIds ?? [];
    if (ids.length === 0) return { outcome: 'nothing_to_do', detail: 'no webhook was registered at Jira' };
    const expiry = state?.webhookExpiresAt ? ` They expire at Jira on ${state.webhookExpiresAt.toISOString()} unless refreshed, and nothing refreshes them now.` : '';
    try {
      const connected = await this.options.connections.siteFor(tenantId);
      const { requestId } = await connected.site.deleteWebhooks(ids);
      await this.options.states.recordWebhooks(tenantId, { ids: [], expiresAt: new Date() });
      return { outcome: 'done', detail: `deleted webhook(s) ${ids.join(', ')} at ${connected.siteUrl}${requestId ? ` (Jira request ${requestId})` : ''}` };
    } catch (error) {
      if (!(error instanceof JiraConnectorError)) throw error;
      if (error.retryable && attempt < WEBHOOK_ATTEMPTS) throw error;
      return { outcome: 'failed', detail: `could not delete webhook(s) ${ids.join(', ')}: ${error.message}.${expiry}` };
    }
  }

  /** The raw Jira responses go with the key they were encrypted under; the key row is the last thing that could read them. */
  private async shredSyncDataKey(tenantId: string): Promise<Omit<JiraDisconnectionStep, 'step'>> {
    const state = await this.options.states.get(tenantId);
    if (!state) return { outcome: 'nothing_to_do', detail: 'the sync never ran, so it had no data key' };
    let responses = 0;
    for (;;) {
      const deleted = await this.options.db.withTenant(tenantId, (tx) =>
        tx.$executeRaw`DELETE FROM jira_raw_responses WHERE ctid IN (SELECT ctid FROM jira_raw_responses WHERE tenant_id = ${tenantId}::uuid LIMIT ${RAW_RESPONSE_BATCH})`,
      );
      responses += deleted;
      if (deleted < RAW_RESPONSE_BATCH) break;
    }
    const keys = await this.options.db.withTenant(tenantId, async (tx) => (await tx.dataKey.deleteMany({ where: { integrationId: state.id } })).count);
    return keys > 0
      ? { outcome: 'done', detail: `destroyed the sync's data key and the ${responses} raw Jira response(s) encrypted under it` }
      : { outcome: 'nothing_to_do', detail: 'the sync\'s data key was already destroyed' };
  }
}

/** The disconnection over the process's stores; `oauth` null (no Atlassian app) still shreds, but cannot reach Jira. */
export function createJiraDisconnection(options: {
  db: TenantScopedDatabase;
  temporal: Client;
  encryption: EnvelopeEncryption;
  credentials: CredentialStore;
  oauth: AtlassianOAuth | null;
}): JiraDisconnection {
  const sites = new JiraSiteStore(options.db);
  return new JiraDisconnection({
    db: options.db,
    temporal: options.temporal,
    credentials: options.credentials,
    sites,
    connections: new JiraSiteConnections({ credentials: options.credentials, sites, oauth: options.oauth }),
    states: new JiraSyncStateStore(options.db, options.encryption),
  });
}
