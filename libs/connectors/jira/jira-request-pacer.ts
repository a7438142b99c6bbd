import { headerOf } from './jira-http-failure';

const WINDOW_MS = 1_000;
/** How often a request waiting for one in flight looks again. */
const IN_FLIGHT_POLL_MS = 20;

/**
 * Keeps one site's requests within Jira's per-second burst limit instead of running into its 429s (each of which
 * costs at least the whole second of its Retry-After, plus the activity's retry). The limit is learnt from the
 * X-RateLimit-Limit header Jira sends while a limit applies; while the answers carry none, nothing is held back.
 *
 * Jira counts a request when it arrives, which is after it left here and before its answer came back. So each
 * request this process sent takes a place in the window from the moment it leaves until a second after its
 * answer came: a request leaves only while fewer than the limit hold a place, and however late a busy network or
 * event loop delivers it, the request it replaces has left Jira's window. When Jira says none remain although
 * this process holds fewer places (other processes share the budget), the next waits one request's share of the
 * second. A 429 that still happens is left to the activity's retry policy.
 */
export class JiraRequestPacer {
  private limit: number | undefined;
  private inFlight = 0;
  /** When the answers of the last second came, oldest first. */
  private readonly answered: number[] = [];
  /** Not before this moment: Jira said the budget is spent. */
  private notBefore = 0;

  constructor(private readonly clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> } = realClock) {}

  /** Resolves when a request may leave and counts it as in flight; `heard` must follow with its answer (or none). */
  async turn(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const places = this.placesTaken(now);
      const full = this.limit !== undefined && places >= this.limit;
      const wait = Math.max(this.notBefore - now, full ? (this.answered.length > 0 ? this.answered[0]! + WINDOW_MS - now : IN_FLIGHT_POLL_MS) : 0);
      if (wait <= 0) {
        this.inFlight += 1;
        return;
      }
      await this.clock.sleep(wait, signal);
    }
  }

  /**
   * The request that took the last turn was answered (or failed without an answer): learns from the answer's
   * X-RateLimit-Limit and X-RateLimit-Remaining, success or failure alike.
   */
  heard(headers: unknown): void {
    const now = this.clock.now();
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.answered.push(now);
    // No answer (a dropped connection) says nothing about the limit; an answer without the header says none applies.
    if (headers === undefined) return;
    const limit = Number(headerOf(headers, 'x-ratelimit-limit'));
    if (!Number.isFinite(limit) || limit < 1) {
      this.limit = undefined;
      return;
    }
    this.limit = Math.floor(limit);
    const remaining = Number(headerOf(headers, 'x-ratelimit-remaining'));
    // Spent by requests this process did not send: only Jira's word says when to go on.
    if (remaining === 0 && this.placesTaken(now) < this.limit) this.notBefore = Math.max(this.notBefore, now + Math.ceil(WINDOW_MS / this.limit));
  }

  private placesTaken(now: number): number {
    while (this.answered.length > 0 && this.answered[0]! <= now - WINDOW_MS) this.answered.shift();
    return this.answered.length + this.inFlight;
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
