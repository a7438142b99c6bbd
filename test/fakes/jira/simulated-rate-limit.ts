/** What a request beyond the limit is told: wait this long, the window resets then. */
export interface RateLimitVerdict {
  retryAfterSeconds: number;
  resetAt: number;
  limit: number;
}

/**
 * Jira's per-second burst limit, as a sliding one-second window over admitted requests: beyond `perSecond`
 * a request gets 429 with Retry-After (whole seconds, as Jira sends it) and X-RateLimit-Reset (the exact
 * moment the window has room again). Off until a test or the benchmark turns it on.
 */
export class SimulatedRateLimit {
  private perSecond: number | null = null;
  private admitted: number[] = [];
  /** Requests refused with 429 by the limit. */
  refused = 0;

  enable(perSecond: number): void {
    this.perSecond = perSecond;
    this.admitted = [];
  }

  disable(): void {
    this.perSecond = null;
  }

  /** Undefined when the request may proceed (and is counted); otherwise the 429's numbers. */
  check(now: number): RateLimitVerdict | undefined {
    if (this.perSecond === null) return undefined;
    while (this.admitted.length > 0 && this.admitted[0] <= now - 1000) this.admitted.shift();
    if (this.admitted.length < this.perSecond) {
      this.admitted.push(now);
      return undefined;
    }
    this.refused += 1;
    const resetAt = this.admitted[0] + 1000;
    return { retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)), resetAt, limit: this.perSecond };
  }

  /** The X-RateLimit-* headers Jira sends with every answer while a limit applies. */
  headers(now: number): Record<string, string> {
    if (this.perSecond === null) return {};
    const recent = this.admitted.filter((at) => at > now - 1000).length;
    const remaining = Math.max(0, this.perSecond - recent);
    return {
      'x-ratelimit-limit': String(this.perSecond),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-nearlimit': String(remaining < this.perSecond * 0.2),
    };
  }
}
