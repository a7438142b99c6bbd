import type { RecordedRequest } from './recorded-request';

/** Which requests a script applies to: method and/or path (exact or pattern), or any predicate. */
export type RequestMatcher = { method?: string; path?: string | RegExp } | ((request: RecordedRequest) => boolean);

/**
 * One scripted answer: an HTTP error in Google's envelope for that endpoint (reason defaults by status),
 * or a connection reset with no answer at all.
 */
export type ScriptedResponse =
  | { status: number; reason?: string; message?: string; retryAfter?: string; headers?: Record<string, string> }
  | { resetConnection: true };

/** failNext's queues: each matching request consumes the next scripted answer; then normal service resumes. */
export class ScriptedResponses {
  private readonly scripts: { matches: (request: RecordedRequest) => boolean; responses: ScriptedResponse[] }[] = [];

  add(matcher: RequestMatcher, responses: ScriptedResponse[]): void {
    this.scripts.push({ matches: (request) => requestMatches(matcher, request), responses: [...responses] });
  }

  take(request: RecordedRequest): ScriptedResponse | undefined {
    const script = this.scripts.find((candidate) => candidate.responses.length > 0 && candidate.matches(request));
    return script?.responses.shift();
  }
}

export function requestMatches(matcher: RequestMatcher, request: RecordedRequest): boolean {
  if (typeof matcher === 'function') return matcher(request);
  if (matcher.method && matcher.method.toUpperCase() !== request.method) return false;
  if (typeof matcher.path === 'string') return request.path === matcher.path;
  return matcher.path ? matcher.path.test(request.path) : true;
}

/** The reason Google gives with each status when a script names none. */
export function defaultReason(status: number): string {
  if (status === 400) return 'invalid';
  if (status === 401) return 'authError';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 429) return 'rateLimitExceeded';
  return 'backendError';
}
