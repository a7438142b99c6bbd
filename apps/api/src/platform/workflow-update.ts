import { Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { ApiError, notFound } from '../errors/api-error';

const UPDATE_DEADLINE_MS = 30_000;

/** Failure types a workflow uses for a request that names something that does not exist. */
const INVALID_INPUT_TYPES = new Set(['UnknownTenants']);

/**
 * Sends an Update and waits for its result. A rejection by the workflow's validator (or a handler failure)
 * is the caller's problem with the current state: 409 with the workflow's own words.
 */
export async function executeWorkflowUpdate<Ret, Arg>(
  temporal: Client,
  workflowId: string,
  what: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  const handle = temporal.workflow.getHandle(workflowId);
  try {
    return await temporal.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () => handle.executeUpdate(update, { args: [arg] }));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      const message = cause?.message ?? error.message;
      if (cause instanceof ApplicationFailure && cause.type && INVALID_INPUT_TYPES.has(cause.type)) {
        throw new ApiError(400, 'validation_failed', message);
      }
      throw new ApiError(409, 'conflict', message);
    }
    if (error instanceof WorkflowNotFoundError) {
      const status = await handle.describe().then(
        (description) => description.status.name,
        () => undefined,
      );
      throw status ? new ApiError(409, 'conflict', `${what} is ${status.toLowerCase()}; it takes no more changes`) : notFound(what);
    }
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      throw new ApiError(503, 'service_unavailable', `${what} did not answer in time; try again`);
    }
    throw error;
  }
}
