import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import {
  JIRA_RECONCILE_INTERVAL,
  JIRA_SYNC_TICK_WORKFLOW,
  JIRA_SYNC_WORKFLOW,
  JIRA_WEBHOOK_REFRESH_INTERVAL,
  jiraReconcileScheduleId,
  jiraReconcileSignal,
  jiraRefreshWebhooksSignal,
  jiraSyncWorkflowId,
  jiraTicketChangedSignal,
  jiraWebhookDeliveriesSignal,
  jiraWebhookRefreshScheduleId,
  TENANT_ID_SEARCH_ATTRIBUTE,
  type JiraSyncInput,
  type JiraSyncTick,
} from '../contracts';
import { ensureSchedule } from '../temporal/ensure-schedule';

/**
 * How the API (webhook deliveries, ticket edits) and the Schedules reach a tenant's sync workflow: always
 * signal-with-start, so a signal is never lost to a workflow that is not running (it starts, with the TenantId
 * search attribute operators find it by).
 */
export class JiraSyncSignals {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  ticketChanged(tenantId: string, ticketId: string): Promise<void> {
    return this.send(tenantId, (options) => this.client.workflow.signalWithStart(JIRA_SYNC_WORKFLOW, { ...options, signal: jiraTicketChangedSignal, signalArgs: [{ ticketId }] }));
  }

  /** Webhook deliveries were committed for the tenant: the workflow takes them from the table. */
  deliveriesCommitted(tenantId: string): Promise<void> {
    return this.send(tenantId, (options) => this.client.workflow.signalWithStart(JIRA_SYNC_WORKFLOW, { ...options, signal: jiraWebhookDeliveriesSignal, signalArgs: [] }));
  }

  tick(tenantId: string, tick: JiraSyncTick): Promise<void> {
    const signal = tick === 'reconcile' ? jiraReconcileSignal : jiraRefreshWebhooksSignal;
    return this.send(tenantId, (options) => this.client.workflow.signalWithStart(JIRA_SYNC_WORKFLOW, { ...options, signal, signalArgs: [] }));
  }

  /** The reconciliation and webhook-refresh Schedules of a tenant; made once, updated when this release changed them. */
  async ensureSchedules(tenantId: string): Promise<void> {
    const schedules: [string, Duration, JiraSyncTick][] = [
      [jiraReconcileScheduleId(tenantId), JIRA_RECONCILE_INTERVAL, 'reconcile'],
      [jiraWebhookRefreshScheduleId(tenantId), JIRA_WEBHOOK_REFRESH_INTERVAL, 'refresh-webhooks'],
    ];
    for (const [scheduleId, every, tick] of schedules) {
      await ensureSchedule(this.client, {
        scheduleId,
        every,
        workflowType: JIRA_SYNC_TICK_WORKFLOW,
        taskQueue: this.taskQueue,
        args: [{ tenantId, tick }],
        overlap: ScheduleOverlapPolicy.SKIP,
        catchupWindow: '1 hour',
        typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId }],
      });
    }
  }

  private async send(tenantId: string, signal: (options: { workflowId: string; taskQueue: string; args: [JiraSyncInput]; typedSearchAttributes: { key: typeof TENANT_ID_SEARCH_ATTRIBUTE; value: string }[] }) => Promise<unknown>): Promise<void> {
    await signal({ workflowId: jiraSyncWorkflowId(tenantId), taskQueue: this.taskQueue, args: [{ tenantId }], typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId }] });
  }
}
