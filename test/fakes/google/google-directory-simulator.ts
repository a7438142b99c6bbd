import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface SimulatedUser {
  id: string;
  primaryEmail: string;
  name: { givenName: string; familyName: string };
  isAdmin: boolean;
  isDelegatedAdmin: boolean;
  suspended: boolean;
  suspensionReason?: string;
  orgUnitPath: string;
  changePasswordAtNextLogin: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

export interface ScriptedFailure {
  status: number;
  reason: string;
  retryAfterSeconds?: number;
}

const USERS_PATH = /^\/admin\/directory\/v1\/users\/([^/]+)(\/signOut)?$/;

/**
 * Google's Admin SDK Directory users endpoints over real HTTP, so the real googleapis client runs against
 * it: realistic bodies, Google's error envelope, a bearer token check, every request recorded, and scripted
 * failures (rate limits, outages) for the next calls.
 */
export async function startGoogleDirectorySimulator(options: { domain: string; accessToken: string }) {
  const users = new Map<string, SimulatedUser>();
  const requests: RecordedRequest[] = [];
  const failures: ScriptedFailure[] = [];
  const add = (local: string, extra: Partial<SimulatedUser> = {}) => {
    const email = `${local}@${options.domain}`;
    users.set(email, {
      id: String(100000000000000000000 + users.size),
      primaryEmail: email,
      name: { givenName: local, familyName: 'Example' },
      isAdmin: false,
      isDelegatedAdmin: false,
      suspended: false,
      orgUnitPath: '/',
      changePasswordAtNextLogin: false,
      ...extra,
    });
  };
  add('jane');
  add('root', { isAdmin: true });
  add('helpdesk', { isDelegatedAdmin: true });
  add('sam', { suspended: true, suspensionReason: 'ADMIN' });
  add('spammer', { suspended: true, suspensionReason: 'ABUSE' });

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => send(response, 500, googleError(500, 'backendError', 'Internal error')));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => resolve(text));
    });
    const path = (request.url ?? '').split('?')[0]!;
    requests.push({ method: request.method ?? '', path, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined });
    response.setHeader('x-goog-request-id', randomUUID());
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) {
      return send(response, 401, googleError(401, 'authError', 'Invalid Credentials'));
    }
    const failure = failures.shift();
    if (failure) {
      if (failure.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(failure.retryAfterSeconds));
      return send(response, failure.status, googleError(failure.status, failure.reason, failure.reason));
    }
    const match = USERS_PATH.exec(path);
    const user = match ? users.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match) return send(response, 404, googleError(404, 'notFound', 'Not Found'));
    if (!user) return send(response, 404, googleError(404, 'notFound', 'Resource Not Found: userKey'));
    if (match[2]) return request.method === 'POST' ? send(response, 204) : send(response, 405, googleError(405, 'methodNotAllowed', 'Method not allowed'));
    if (request.method === 'GET') return send(response, 200, { kind: 'admin#directory#user', etag: `"${randomUUID()}"`, ...user });
    if (request.method === 'PUT' || request.method === 'PATCH') {
      const update = raw ? (JSON.parse(raw) as Partial<SimulatedUser> & { isAdmin?: unknown }) : {};
      if ('isAdmin' in update) return send(response, 400, googleError(400, 'invalid', 'isAdmin is read-only'));
      if (typeof update.suspended === 'boolean') {
        user.suspended = update.suspended;
        user.suspensionReason = update.suspended ? 'ADMIN' : undefined;
      }
      if (typeof update.changePasswordAtNextLogin === 'boolean') user.changePasswordAtNextLogin = update.changePasswordAtNextLogin;
      return send(response, 200, { kind: 'admin#directory#user', ...user });
    }
    return send(response, 405, googleError(405, 'methodNotAllowed', 'Method not allowed'));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    rootUrl: `http://127.0.0.1:${port}/`,
    requests,
    users,
    /** The next calls fail like this, in order, whatever they are. */
    failNext: (...next: ScriptedFailure[]) => failures.push(...next),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function googleError(code: number, reason: string, message: string) {
  return { error: { code, message, errors: [{ domain: 'global', reason, message }], status: statusName(code) } };
}

function statusName(code: number): string {
  return { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 503: 'UNAVAILABLE' }[code] ?? 'UNKNOWN';
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  response.statusCode = status;
  if (body === undefined) return void response.end();
  response.setHeader('content-type', 'application/json; charset=UTF-8');
  response.end(JSON.stringify(body));
}
