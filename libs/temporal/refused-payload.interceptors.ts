import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  QueryInput,
  SignalInput,
  UpdateInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptorsFactory,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { log } from '@temporalio/workflow';
import { isRefusedPayload, refusedPayloadFailure, type RefusedPayload } from './payload-converter';

const refusedArgument = (args: readonly unknown[]): RefusedPayload | undefined => args.find(isRefusedPayload);

/**
 * Whoever reaches the Temporal frontend without our key-encryption key can send plain payloads; the worker's
 * codec marks them refused and these interceptors make sure nothing acts on them: a start fails at once
 * (no activity runs, the workflow id is free again), an Update is rejected before it is accepted, a signal
 * is dropped, a query fails, and an activity result that was not ours fails the call.
 */
class RefusedPayloadInbound implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const refused = refusedArgument(input.args);
    if (refused) throw refusedPayloadFailure('workflow start', refused);
    return next(input);
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    const refused = refusedArgument(input.args);
    if (refused) throw refusedPayloadFailure(`update ${input.name}`, refused);
    next(input);
  }

  async handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    const refused = refusedArgument(input.args);
    if (refused) throw refusedPayloadFailure(`update ${input.name}`, refused);
    return next(input);
  }

  async handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    if (refusedArgument(input.args)) {
      log.warn('signal dropped: its payload is not encrypted under our key', { signal: input.signalName });
      return;
    }
    return next(input);
  }

  async handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    const refused = refusedArgument(input.args);
    if (refused) throw refusedPayloadFailure(`query ${input.queryName}`, refused);
    return next(input);
  }
}

class RefusedPayloadOutbound implements WorkflowOutboundCallsInterceptor {
  async scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return refuseResult(`activity ${input.activityType}`, await next(input));
  }

  async scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return refuseResult(`local activity ${input.activityType}`, await next(input));
  }
}

function refuseResult(where: string, result: unknown): unknown {
  if (isRefusedPayload(result)) throw refusedPayloadFailure(`result of ${where}`, result);
  return result;
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new RefusedPayloadInbound()],
  outbound: [new RefusedPayloadOutbound()],
});
