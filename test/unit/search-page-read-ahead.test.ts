import { SearchPageReadAhead } from '../../libs/jira-sync/search-page-read-ahead';

interface Page {
  n: number;
  nextPageToken: string | null;
}

/** A search of `total` pages whose answers the test releases one by one. */
function pagedSearch(total: number) {
  const requested: (string | null)[] = [];
  const pending: { token: string | null; answer(fail?: Error): void }[] = [];
  const search = (token: string | null) =>
    new Promise<{ data: Page; requestId: string | null }>((resolve, reject) => {
      requested.push(token);
      const n = token === null ? 1 : Number(token.slice(1));
      pending.push({ token, answer: (fail) => (fail ? reject(fail) : resolve({ data: { n, nextPageToken: n < total ? `p${n + 1}` : null }, requestId: `r-${n}` })) });
    });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { search, requested, pending, settle };
}

describe('reading a Jira search ahead of applying it', () => {
  it('asks for each page as soon as the one before it arrived, never more than `depth` ahead', async () => {
    const jira = pagedSearch(10);
    const pages = new SearchPageReadAhead(jira.search, null, { depth: 3, maxPages: 10 });
    await jira.settle();
    expect(jira.requested).toEqual([null]);
    for (const waiting of jira.pending.splice(0)) waiting.answer();
    await jira.settle();
    jira.pending.splice(0)[0]!.answer();
    await jira.settle();
    jira.pending.splice(0)[0]!.answer();
    await jira.settle();
    // Three asked for while none was taken: the fourth waits for room.
    expect(jira.requested).toEqual([null, 'p2', 'p3']);
    expect((await pages.next())?.data.n).toBe(1);
    await jira.settle();
    expect(jira.requested).toEqual([null, 'p2', 'p3', 'p4']);
  });

  it('ends after the last page and after `maxPages`, in order', async () => {
    const short = pagedSearch(2);
    const all = new SearchPageReadAhead(short.search, null, { depth: 3, maxPages: 10 });
    const answering = setInterval(() => short.pending.splice(0).forEach((waiting) => waiting.answer()), 1);
    try {
      expect((await all.next())?.data.n).toBe(1);
      expect((await all.next())?.data.n).toBe(2);
      expect(await all.next()).toBeUndefined();
      expect(short.requested).toEqual([null, 'p2']);

      const long = pagedSearch(100);
      const capped = new SearchPageReadAhead(long.search, 'p5', { depth: 2, maxPages: 3 });
      const answeringLong = setInterval(() => long.pending.splice(0).forEach((waiting) => waiting.answer()), 1);
      try {
        const got = [await capped.next(), await capped.next(), await capped.next(), await capped.next()].map((page) => page?.data.n);
        expect(got).toEqual([5, 6, 7, undefined]);
        expect(long.requested).toEqual(['p5', 'p6', 'p7']);
      } finally {
        clearInterval(answeringLong);
      }
    } finally {
      clearInterval(answering);
    }
  });

  it('passes a failed search to the caller and asks for nothing after it, nor after stop', async () => {
    const jira = pagedSearch(10);
    const pages = new SearchPageReadAhead(jira.search, null, { depth: 3, maxPages: 10 });
    await jira.settle();
    jira.pending.splice(0)[0]!.answer();
    await jira.settle();
    jira.pending.splice(0)[0]!.answer(new Error('429 from Jira'));
    await jira.settle();
    expect((await pages.next())?.data.n).toBe(1);
    await expect(pages.next()).rejects.toThrow('429 from Jira');
    expect(await pages.next()).toBeUndefined();
    expect(jira.requested).toEqual([null, 'p2']);

    const stopped = pagedSearch(10);
    const reading = new SearchPageReadAhead(stopped.search, null, { depth: 3, maxPages: 10 });
    await stopped.settle();
    reading.stop();
    stopped.pending.splice(0)[0]!.answer();
    await stopped.settle();
    expect(stopped.requested).toEqual([null]);
  });
});
