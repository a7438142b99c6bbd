import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';

const EventType = temporal.api.enums.v1.EventType;

export interface TimerRecord {
  timerId: string;
  /** When the workflow asked it to fire: the start event's time plus its duration. */
  dueMs: number;
  /** When the server fired it (the TimerFired event's time); undefined while pending. */
  firedMs?: number;
}

/** Every timer in a workflow's history, as the server recorded it. */
export async function workflowTimers(client: Client, workflowId: string): Promise<TimerRecord[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const timers = new Map<string, TimerRecord>();
  for (const event of history.events ?? []) {
    if (event.eventType === EventType.EVENT_TYPE_TIMER_STARTED) {
      const attributes = event.timerStartedEventAttributes!;
      timers.set(attributes.timerId!, { timerId: attributes.timerId!, dueMs: tsToMs(event.eventTime) + tsToMs(attributes.startToFireTimeout) });
    }
    if (event.eventType === EventType.EVENT_TYPE_TIMER_FIRED) {
      const timer = timers.get(event.timerFiredEventAttributes!.timerId!);
      if (timer) timer.firedMs = tsToMs(event.eventTime);
    }
  }
  return [...timers.values()];
}

/** The timer the workflow set to fire at dueMs (give or take the workflow clock's lag behind ours). */
export function timerDueAt(timers: TimerRecord[], dueMs: number, toleranceMs = 2_000): TimerRecord | undefined {
  return timers.find((timer) => Math.abs(timer.dueMs - dueMs) <= toleranceMs);
}
