import { Context } from '@temporalio/activity';
import { abortingOutsideCallsOn } from '../libs/connectors/outside-call-cancellation';

type Activities = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * Each activity runs with its cancellation signal over its Google and Jira requests: when Temporal cancels the
 * activity (the workflow was cancelled or terminated, a timeout passed, the worker is shutting down) the request
 * in flight is aborted. Temporal delivers a cancellation in answer to a heartbeat, so the activities that call out
 * heartbeat while they wait.
 */
export function cancellingOutsideCalls<T extends Activities>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      (...args: never[]) => abortingOutsideCallsOn(Context.current().cancellationSignal, () => activity(...args)),
    ]),
  ) as T;
}
