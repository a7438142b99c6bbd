import { ScheduleOverlapPolicy } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { TENANT_ID_SEARCH_ATTRIBUTE, TICKET_REF_SEARCH_ATTRIBUTE } from '../../libs/contracts';
import { ensureSchedule, type WorkflowScheduleDefinition } from '../../libs/temporal/ensure-schedule';
import { temporalClient } from '../support/test-environment';

/**
 * A Schedule made by an earlier release (or edited by hand) is brought in line with the code at start-up, on the
 * real Temporal dev server: every part the code defines is compared, and an unchanged one keeps its pause state.
 */
describe('ensureSchedule', () => {
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const made: string[] = [];

  beforeAll(async () => {
    temporal = await temporalClient();
  });

  afterAll(async () => {
    for (const scheduleId of made) await temporal.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await temporal?.close();
  });

  const definition = (): WorkflowScheduleDefinition => {
    const scheduleId = `ensure-schedule-test/${randomUUID()}`;
    made.push(scheduleId);
    return {
      scheduleId,
      every: '1 hour',
      workflowType: 'someTickWorkflow',
      taskQueue: 'ensure-schedule-test',
      args: [{ tenantId: 'a' }],
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: '1 hour',
      typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: 'tenant-a' }],
    };
  };
  const describeSchedule = (scheduleId: string) => temporal.client.schedule.getHandle(scheduleId).describe();

  it('creates a missing Schedule, then leaves it (and its pause) alone while the code is unchanged', async () => {
    const wanted = definition();
    expect(await ensureSchedule(temporal.client, wanted)).toBe('created');
    await temporal.client.schedule.getHandle(wanted.scheduleId).pause('an operator paused it');
    expect(await ensureSchedule(temporal.client, wanted)).toBe('unchanged');
    expect((await describeSchedule(wanted.scheduleId)).state.paused).toBe(true);
  });

  it.each<[string, (wanted: WorkflowScheduleDefinition) => Partial<WorkflowScheduleDefinition>]>([
    ['interval', () => ({ every: '30 minutes' })],
    ['workflow type', () => ({ workflowType: 'otherTickWorkflow' })],
    ['task queue', () => ({ taskQueue: 'ensure-schedule-test-2' })],
    ['arguments', () => ({ args: [{ tenantId: 'a', tick: 'reconcile' }] })],
    ['overlap policy', () => ({ overlap: ScheduleOverlapPolicy.BUFFER_ONE })],
    ['catch-up window', () => ({ catchupWindow: '10 minutes' })],
    ['search attributes of the workflows it starts', () => ({ typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: 'tenant-a' }, { key: TICKET_REF_SEARCH_ATTRIBUTE, value: 'CT-000001' }] })],
  ])('updates a Schedule whose %s changed in this release, and then finds it unchanged', async (_part, change) => {
    const before = definition();
    await ensureSchedule(temporal.client, before);
    const after = { ...before, ...change(before) };

    expect(await ensureSchedule(temporal.client, after)).toBe('updated');
    expect(await ensureSchedule(temporal.client, after)).toBe('unchanged');

    const described = await describeSchedule(after.scheduleId);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: after.workflowType, taskQueue: after.taskQueue, args: after.args });
    expect(described.policies.overlap).toBe(after.overlap);
    const attributes = described.action.type === 'startWorkflow' ? described.action.typedSearchAttributes : undefined;
    expect((Array.isArray(attributes) ? attributes : (attributes?.getAll() ?? [])).map((pair) => pair.key.name).sort()).toEqual(
      (after.typedSearchAttributes ?? []).map((pair) => pair.key.name).sort(),
    );
  });

  it('puts back a spec an operator replaced by hand', async () => {
    const wanted = definition();
    await ensureSchedule(temporal.client, wanted);
    await temporal.client.schedule.getHandle(wanted.scheduleId).update((current) => ({ ...current, spec: { calendars: [{ hour: 3 }] } }));

    expect(await ensureSchedule(temporal.client, wanted)).toBe('updated');
    const { spec } = await describeSchedule(wanted.scheduleId);
    expect({ intervals: spec.intervals?.map((interval) => interval.every), calendars: spec.calendars ?? [] }).toEqual({ intervals: [60 * 60 * 1000], calendars: [] });
  });
});
