import { JiraRequestPacer } from '../../libs/connectors/jira/jira-request-pacer';

/** A clock the test moves: each sleep advances it by what was asked, is recorded, and lets the test run between. */
function testClock(start = 1_000_000) {
  const clock = {
    at: start,
    sleeps: [] as number[],
    now: () => clock.at,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      clock.sleeps.push(ms);
      clock.at += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}

const limitHeaders = (limit: number, remaining: number) => ({ 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining) });

describe('pacing Jira requests to the burst limit Jira announces', () => {
  it('holds nothing back while Jira has announced no limit', async () => {
    const clock = testClock();
    const pacer = new JiraRequestPacer(clock);
    for (let request = 0; request < 50; request++) {
      await pacer.turn();
      pacer.heard({ 'x-arequestid': `r-${request}` });
    }
    expect(clock.sleeps).toEqual([]);
  });

  it('sends no more than the limit in any second, counting each from its send until a second after its answer', async () => {
    const clock = testClock();
    const pacer = new JiraRequestPacer(clock);
    const answeredAt: number[] = [];
    for (let request = 0; request < 3; request++) {
      await pacer.turn();
      clock.at += 10;
      pacer.heard(limitHeaders(3, 2 - request));
      answeredAt.push(clock.at);
      clock.at += 90;
    }
    await pacer.turn();
    // The first answer came at answeredAt[0]: Jira had counted that request by then, and forgets it a second later.
    expect(clock.at).toBe(answeredAt[0]! + 1000);
  });

  it('counts requests still in flight: past the limit, the next waits for an answer and then its second', async () => {
    const clock = testClock();
    const pacer = new JiraRequestPacer(clock);
    await pacer.turn();
    pacer.heard(limitHeaders(2, 1));
    clock.at += 5000;
    await pacer.turn();
    await pacer.turn();
    let left = false;
    const third = pacer.turn().then(() => {
      left = true;
    });
    for (let tick = 0; tick < 10; tick++) await new Promise((resolve) => setImmediate(resolve));
    expect(left).toBe(false);
    pacer.heard(limitHeaders(2, 0));
    const answered = clock.at;
    await third;
    expect(clock.at).toBeGreaterThanOrEqual(answered + 1000);
  });

  it('holds nothing back again once Jira’s answers stop announcing a limit', async () => {
    const clock = testClock();
    const pacer = new JiraRequestPacer(clock);
    await pacer.turn();
    pacer.heard(limitHeaders(1, 0));
    await pacer.turn();
    pacer.heard({ 'x-arequestid': 'r-2' });
    const before = clock.sleeps.length;
    for (let request = 0; request < 5; request++) {
      await pacer.turn();
      pacer.heard({ 'x-arequestid': `r-${request + 3}` });
    }
    expect(clock.sleeps).toHaveLength(before);
  });

  it('waits a request’s share of the second when Jira says the budget is spent by others', async () => {
    const clock = testClock();
    const pacer = new JiraRequestPacer(clock);
    await pacer.turn();
    pacer.heard(limitHeaders(10, 0));
    const before = clock.at;
    await pacer.turn();
    expect(clock.at - before).toBe(100);
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
