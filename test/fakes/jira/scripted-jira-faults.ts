import { requestMatches, type RequestMatcher } from '../google/scripted-responses';
import type { RecordedRequest } from '../google/recorded-request';

export type { RequestMatcher };

/**
 * One scripted answer: an HTTP error in Jira's error collection (a 429 with Retry-After and X-RateLimit-Reset
 * headers when given), or a connection dropped with no answer at all.
 */
export type ScriptedJiraFault =
  | { status: number; message?: string; errors?: Record<string, string>; retryAfter?: string; rateLimitReset?: string; headers?: Record<string, string> }
  | { resetConnection: true };

/** failNext's queues: each matching request consumes the next scripted answer; then normal service resumes. */
export class ScriptedJiraFaults {
  private readonly scripts: { matcher: RequestMatcher; faults: ScriptedJiraFault[] }[] = [];

  add(matcher: RequestMatcher, faults: ScriptedJiraFault[]): void {
    this.scripts.push({ matcher, faults: [...faults] });
  }

  take(request: RecordedRequest): ScriptedJiraFault | undefined {
    return this.scripts.find((script) => script.faults.length > 0 && requestMatches(script.matcher, request))?.faults.shift();
  }
}

/** The message Jira gives with each status when a script names none. */
export function defaultJiraMessage(status: number): string {
  if (status === 401) return 'Client must be authenticated to access this resource.';
  if (status === 403) return 'You do not have permission to perform this operation.';
  if (status === 404) return 'Issue does not exist or you do not have permission to see it.';
  if (status === 429) return 'Rate limit exceeded.';
  if (status >= 500) return 'Internal server error.';
  return 'The request was not valid.';
}
