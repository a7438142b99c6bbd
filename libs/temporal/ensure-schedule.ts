import { ScheduleAlreadyRunning, type Client, type ScheduleDescription, type ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration, SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';

/** A Schedule that starts a workflow every so often: what the code says it should be. */
export interface WorkflowScheduleDefinition {
  scheduleId: string;
  every: Duration;
  workflowType: string;
  taskQueue: string;
  args: unknown[];
  overlap: ScheduleOverlapPolicy;
  catchupWindow: Duration;
  /** On the Schedule and on every workflow it starts (operators find a tenant's by them). */
  typedSearchAttributes?: SearchAttributePair[];
}

export type EnsuredSchedule = 'created' | 'updated' | 'unchanged';

/**
 * Makes the Schedule match its definition: creates it when missing, updates it when its interval, workflow,
 * task queue, arguments, the started workflows' search attributes or policies differ (a release changed them, or someone edited it by hand), and leaves it
 * alone otherwise, so its pause state, history and next run survive a worker restart. Safe when several workers
 * start at once: a lost creation race falls through to the comparison.
 */
export async function ensureSchedule(client: Client, definition: WorkflowScheduleDefinition): Promise<EnsuredSchedule> {
  const action = {
    type: 'startWorkflow' as const,
    workflowType: definition.workflowType,
    taskQueue: definition.taskQueue,
    args: definition.args,
    ...(definition.typedSearchAttributes ? { typedSearchAttributes: definition.typedSearchAttributes } : {}),
  };
  const spec = { intervals: [{ every: definition.every }] };
  const policies = { overlap: definition.overlap, catchupWindow: definition.catchupWindow };
  try {
    await client.schedule.create({
      scheduleId: definition.scheduleId,
      spec,
      action,
      policies,
      ...(definition.typedSearchAttributes ? { typedSearchAttributes: definition.typedSearchAttributes } : {}),
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(definition.scheduleId);
  if (matches(await handle.describe(), definition)) return 'unchanged';
  await handle.update((current) => ({ ...current, spec, action, policies: { ...current.policies, ...policies } }));
  return 'updated';
}

function matches(current: ScheduleDescription, definition: WorkflowScheduleDefinition): boolean {
  const intervals = current.spec.intervals ?? [];
  const onlyInterval =
    intervals.length === 1 &&
    intervals[0]!.every === msToNumber(definition.every) &&
    // The server leaves a zero offset out.
    !intervals[0]!.offset &&
    !current.spec.calendars?.length;
  return (
    onlyInterval &&
    current.action.workflowType === definition.workflowType &&
    current.action.taskQueue === definition.taskQueue &&
    JSON.stringify(current.action.args ?? []) === JSON.stringify(definition.args) &&
    searchAttributesText(pairsOf(current.action.typedSearchAttributes)) === searchAttributesText(definition.typedSearchAttributes ?? []) &&
    current.policies.overlap === definition.overlap &&
    current.policies.catchupWindow === msToNumber(definition.catchupWindow)
  );
}

function pairsOf(attributes: SearchAttributePair[] | TypedSearchAttributes | undefined): SearchAttributePair[] {
  return Array.isArray(attributes) ? attributes : (attributes?.getAll() ?? []);
}

/** Search attributes in one comparable form: sorted `name=value` pairs. */
function searchAttributesText(pairs: SearchAttributePair[]): string {
  return JSON.stringify(pairs.map((pair) => `${pair.key.name}=${JSON.stringify(pair.value)}`).sort());
}
