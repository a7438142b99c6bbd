import { headerOf } from './jira-http-failure';

/** Added to each wait: Jira counts a request when it arrives, a little after it left here. */
const ARRIVAL_MARGIN_MS = 30;
const WINDOW_MS = 1_000;

/**
 * Keeps one site's requests within Jira's per-second burst limit instead of running into its 429s (each of which
 * costs at least the whole second of its Retry-After, plus the activity's retry). The limit is learnt from the
 * X-RateLimit-Limit header Jira sends while a limit applies; until one is heard nothing is held back. Requests
 * this process sent in the last second are counted here, so a request that would exceed the limit waits until
 * the oldest leaves the window; when Jira says none remain although this process sent fewer (other processes
 * share the budget), the next waits one request's share of the second. A 429 that still happens is left to the activity's retry policy.
 */
export class JiraRequestPacer {
  private limit: number | undefined;
  private readonly sent: number[] = [];
  /** Not before this moment: Jira said the budget is spent. */
  private notBefore = 0;

  constructor(private readonly clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> } = realClock) {}

  /** Resolves when a request may leave; counts it as sent then. */
  async turn(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.sent.length > 0 && this.sent[0]! <= now - WINDOW_MS) this.sent.shift();
      const wait = Math.max(this.notBefore - now, this.limit !== undefined && this.sent.length >= this.limit ? this.sent[0]! + WINDOW_MS + ARRIVAL_MARGIN_MS - now : 0);
      if (wait <= 0) {
        this.sent.push(now);
        return;
      }
      await this.clock.sleep(wait, signal);
    }
  }

  /** Learns from an answer's X-RateLimit-Limit and X-RateLimit-Remaining (success or failure alike). */
  heard(headers: unknown): void {
    const limit = Number(headerOf(headers, 'x-ratelimit-limit'));
    if (!Number.isFinite(limit) || limit < 1) return;
    this.limit = Math.floor(limit);
    const remaining = Number(headerOf(headers, 'x-ratelimit-remaining'));
    const now = this.clock.now();
    const ours = this.sent.filter((at) => at > now - WINDOW_MS).length;
    // Spent by requests this process did not send: only Jira's word says when to go on.
    if (remaining === 0 && ours < this.limit) this.notBefore = Math.max(this.notBefore, now + Math.ceil(WINDOW_MS / this.limit) + ARRIVAL_MARGIN_MS);
  }
}

const realClock = {
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', aborted);
        resolve();
      }, ms);
      const aborted = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', aborted, { once: true });
    }),
};
