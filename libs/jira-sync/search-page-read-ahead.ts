import type { JiraResponse } from '../connectors/jira/jira-site.connector';

/**
 * The pages of one Jira search, fetched ahead of whoever applies them: each page's request leaves as soon as the
 * page before it has arrived (its nextPageToken is the only way to the next), up to `depth` pages ahead, so a
 * backfill sends its requests as fast as Jira's rate limit lets it rather than one per page applied. Nothing
 * more is requested once `maxPages` were asked for, the last page arrived, a search failed or `stop` was called.
 */
export class SearchPageReadAhead<Page extends { nextPageToken: string | null }> {
  private readonly queue: Promise<JiraResponse<Page> | undefined>[] = [];
  /** The token the next request takes (null: the search's first page); undefined when there is no next page. */
  private tail: Promise<string | null | undefined>;
  private requested = 0;
  private stopped = false;

  constructor(
    private readonly search: (pageToken: string | null) => Promise<JiraResponse<Page>>,
    firstPageToken: string | null,
    private readonly options: { depth: number; maxPages: number },
  ) {
    this.tail = Promise.resolve(firstPageToken);
    this.fill();
  }

  /** The next page in order, undefined after the last one; rejects with the failure of its search. */
  next(): Promise<JiraResponse<Page> | undefined> {
    const page = this.queue.shift();
    this.fill();
    return page ?? Promise.resolve(undefined);
  }

  /** Requests no page beyond those already sent. */
  stop(): void {
    this.stopped = true;
  }

  private fill(): void {
    while (!this.stopped && this.queue.length < this.options.depth && this.requested < this.options.maxPages) {
      this.requested += 1;
      const page = this.tail.then((token) => (token === undefined || this.stopped ? undefined : this.search(token)));
      this.tail = page.then((answer) => answer?.data.nextPageToken ?? undefined, () => undefined);
      // A page read ahead and never asked for (the caller stopped first) must not fail unobserved.
      page.catch(() => undefined);
      this.queue.push(page);
    }
  }
}
