import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TemporalPayloadHistory } from '../crypto/kek-retirement';

const RUNNING = temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

/**
 * The namespace's own answer (DescribeNamespace's workflow execution retention, and the visibility store's
 * executions), read through the raw service: no payload is decoded, so it works whatever keys are retired.
 */
export async function namespacePayloadHistory(connection: Connection, namespace: string): Promise<TemporalPayloadHistory> {
  const described = await connection.workflowService.describeNamespace({ namespace });
  const ttl = described.config?.workflowExecutionRetentionTtl;
  if (!ttl) throw new Error(`Temporal did not say the retention of namespace "${namespace}"`);
  return {
    retentionMs: Number(ttl.seconds ?? 0) * 1000 + Math.floor((ttl.nanos ?? 0) / 1e6),
    retentionSource: `the workflow execution retention of Temporal namespace "${namespace}"`,
    async executionsStartedBefore(cutoff) {
      let running = 0;
      let lastClosedAt: Date | undefined;
      let nextPageToken: Uint8Array | undefined;
      do {
        const page = await connection.workflowService.listWorkflowExecutions({
          namespace,
          query: `StartTime < "${cutoff.toISOString()}"`,
          pageSize: 1000,
          nextPageToken,
        });
        for (const execution of page.executions ?? []) {
          if (execution.status === RUNNING) running += 1;
          else if (execution.closeTime) {
            const closedAt = new Date(Number(execution.closeTime.seconds ?? 0) * 1000 + Math.floor((execution.closeTime.nanos ?? 0) / 1e6));
            if (!lastClosedAt || closedAt > lastClosedAt) lastClosedAt = closedAt;
          }
        }
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      } while (nextPageToken);
      return { running, ...(lastClosedAt ? { lastClosedAt } : {}) };
    },
  };
}

/** The retention an operator states (TEMPORAL_NAMESPACE_RETENTION_DAYS) when Temporal cannot be asked. */
export function statedPayloadHistory(retentionDays: number): TemporalPayloadHistory {
  return { retentionMs: retentionDays * 24 * 3_600_000, retentionSource: 'TEMPORAL_NAMESPACE_RETENTION_DAYS; Temporal could not be asked about running workflows' };
}
