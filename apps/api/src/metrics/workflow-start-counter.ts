import type { Next, WorkflowClientInterceptor, WorkflowStartInput, WorkflowStartOutput } from '@temporalio/client';
import type { ApiMetrics } from './api-metrics';

/**
 * Counts every workflow the API starts (tickets, Google operations, deletions, breaches, exports, Jira
 * disconnects...) at the one place all those starts pass: the Temporal client. Counted once the server
 * accepted the start, so a refused duplicate (WorkflowExecutionAlreadyStartedError) is not. Jira sync's
 * signal-with-start is not counted: the client cannot tell whether it started the tenant's sync or only
 * signalled the running one.
 */
export class WorkflowStartCounter implements WorkflowClientInterceptor {
  constructor(private readonly metrics: ApiMetrics) {}

  async startWithDetails(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'startWithDetails'>): Promise<WorkflowStartOutput> {
    const output = await next(input);
    this.metrics.workflowsStarted.inc({ workflow_type: input.workflowType });
    return output;
  }
}
