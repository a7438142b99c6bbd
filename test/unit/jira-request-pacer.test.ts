import { JiraRequestPacer } from '../../libs/connectors/jira/jira-request-pacer';

/** A clock the test moves: each sleep advances it by what was asked and is recorded. */
function testClock(start = 1_000_000) {
  const clock = {
    at: start,
    sleeps: [] as number[],
    now: () => clock.at,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      clock.sleeps.push(ms);
      clock.at += ms;
    },
  };
  return clock;
}

const limitHeaders = (limit: number, remaining: number) => ({ 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining) });

describe('pacing Jira requests to the burst limit Jira announces', () => {
  it('holds nothing back while Jira has announced no limit', async () => {
    const clock = testClock();
    const pacer = new JiraRequestPacer(clock);
    for (let request = 0; request < 50; request++) await pacer.turn();
    pacer.heard({ 'x-arequestid': 'r-1' });
    await pacer.turn();
    expect(clock.sleeps).toEqual([]);
  });

  it('sends no more than the limit in any second: the next waits until the oldest has left the window', async () => {
    const clock = testClock();
    const pacer = new JiraRequestPacer(clock);
    await pacer.turn();
    pacer.heard(limitHeaders(3, 2));
    clock.at += 100;
    await pacer.turn();
    clock.at += 100;
    await pacer.turn();
    const third = clock.at;
    await pacer.turn();
    // The first left at `third - 200`; the fourth goes a second after it, plus the margin for its arrival.
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.at).toBeGreaterThanOrEqual(third - 200 + 1000);
    expect(clock.at).toBeLessThanOrEqual(third - 200 + 1000 + 50);
  });

  it('waits a request’s share of the second when Jira says the budget is spent by others', async () => {
    const clock = testClock();
    const pacer = new JiraRequestPacer(clock);
    await pacer.turn();
    pacer.heard(limitHeaders(10, 0));
    const before = clock.at;
    await pacer.turn();
    expect(clock.at - before).toBeGreaterThanOrEqual(100);
    expect(clock.at - before).toBeLessThan(200);
  });

  it('lets a cancelled caller go instead of sleeping on', async () => {
    const clock = testClock();
    const pacer = new JiraRequestPacer(clock);
    await pacer.turn();
    pacer.heard(limitHeaders(1, 0));
    const controller = new AbortController();
    controller.abort(new Error('activity cancelled'));
    await expect(pacer.turn(controller.signal)).rejects.toThrow('activity cancelled');
  });
});
