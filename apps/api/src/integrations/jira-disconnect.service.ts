import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { appendAuditEvent } from '../../../../libs/audit';
import type { AppConfig } from '../../../../libs/config/app-config';
import { CredentialStore } from '../../../../libs/connectors/credential-store';
import {
  JIRA_DISCONNECT_WORKFLOW,
  jiraDisconnectProgressQuery,
  jiraDisconnectWorkflowId,
  TENANT_ID_SEARCH_ATTRIBUTE,
  type JiraDisconnectInput,
  type JiraDisconnectProgress,
} from '../../../../libs/contracts';
import { TenantScopedDatabase } from '../../../../libs/db';
import { notFound } from '../errors/api-error';
import { auditActor, type TenantPrincipal } from '../auth/principal';
import { APP_CONFIG } from '../platform/platform.module';

export interface JiraDisconnectView extends JiraDisconnectProgress {
  workflowId: string;
  status: string;
}

/**
 * Starts and reads the tenant's Disconnect & clean up workflow. One per tenant at a time: asking again while it
 * runs, or after it finished while Jira is still disconnected, answers with that same workflow; only a tenant
 * that connected Jira again starts a new one.
 */
@Injectable()
export class JiraDisconnectService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
    private readonly credentials: CredentialStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(caller: TenantPrincipal): Promise<{ created: boolean; view: JiraDisconnectView }> {
    const { tenantId } = caller;
    const connected = (await this.credentials.view(tenantId, 'jira')) !== undefined;
    const existing = await this.describe(tenantId);
    if (existing && (existing.status === 'running' || !connected)) return { created: false, view: existing };
    if (!connected) throw notFound('Jira integration');
    const actor = auditActor(caller);
    const input: JiraDisconnectInput = { tenantId, actor };
    const handle = await this.temporal.workflow.start(JIRA_DISCONNECT_WORKFLOW, {
      workflowId: jiraDisconnectWorkflowId(tenantId),
      taskQueue: this.config.temporal.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      // Two POSTs racing: the second joins the run the first started.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId }],
    });
    await this.db.withTenant(tenantId, (tx) =>
      appendAuditEvent(tx, tenantId, { actor, action: 'jira.disconnect.requested', target: handle.workflowId, outcome: 'pending', details: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId } }),
    );
    return { created: true, view: (await this.describe(tenantId))! };
  }

  async get(tenantId: string): Promise<JiraDisconnectView> {
    const view = await this.describe(tenantId);
    if (!view) throw notFound('Jira disconnection');
    return view;
  }

  /**
   * The latest run's progress: its result once completed, else the workflow's progress query, or (no worker
   * answering within a few seconds, e.g. while one restarts) the progress the workflow last put in its memo.
   */
  private async describe(tenantId: string): Promise<JiraDisconnectView | undefined> {
    const workflowId = jiraDisconnectWorkflowId(tenantId);
    const handle = this.temporal.workflow.getHandle<() => Promise<JiraDisconnectProgress>>(workflowId);
    try {
      const description = await handle.describe();
      const status = description.status.name.toLowerCase();
      if (status === 'completed') return { workflowId, status, ...(await handle.result()) };
      const progress = await this.temporal.connection
        .withDeadline(Date.now() + QUERY_WAIT_MS, () => handle.query(jiraDisconnectProgressQuery))
        .catch(() => (description.memo as { progress?: JiraDisconnectProgress } | undefined)?.progress ?? notYetReported(description.startTime));
      return { workflowId, status, ...progress };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }
}

const QUERY_WAIT_MS = 3_000;

/** A run no worker has picked up yet. */
function notYetReported(startedAt: Date): JiraDisconnectProgress {
  return { phase: 'stopping_sync', total: 0, cleaned: 0, skipped: 0, failures: [], steps: [], ticketsUnlinked: 0, revokeAppAt: null, startedAt: startedAt.toISOString(), finishedAt: null };
}
