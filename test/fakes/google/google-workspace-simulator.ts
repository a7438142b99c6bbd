import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { googleApiErrorBody, oauthErrorBody } from './google-error-bodies';
import { readExchange, sendJson, type HttpExchange } from './http-exchange';
import { recordOf, type RecordedRequest } from './recorded-request';
import { defaultReason, requestMatches, ScriptedResponses, type RequestMatcher, type ScriptedResponse } from './scripted-responses';
import { CONSENT_PATH, REVOKE_PATH, SimulatedGoogleOAuth, TOKEN_PATH, type IssuedGoogleTokens, type SimulatedConsent, type SimulatedOAuthClient } from './simulated-google-oauth';
import { customerIdOf, etagOf, seedUsers, userResource, type SimulatedUser } from './simulated-workspace';

const USERS_PATH = '/admin/directory/v1/users';
const DIRECTORY_PREFIX = `${USERS_PATH}/`;

export interface GoogleWorkspaceSimulatorOptions {
  /** The Workspace domain whose users the simulator serves. */
  domain: string;
  host?: string;
  /** 0 (any free port) when absent. */
  port?: number;
  /** The OAuth client Custodian is registered as; a fixed test client when absent. */
  oauthClient?: SimulatedOAuthClient;
  /** How the admin answers the consent screen; grants the requested scopes for `domain` when absent. */
  consent?: SimulatedConsent;
  accessTokenLifetimeSeconds?: number;
  /** The users to serve; seedUsers(domain) when absent. */
  users?: SimulatedUser[];
}

export interface GoogleWorkspaceSimulator {
  /** For googleapis' rootUrl (ends with a slash). */
  rootUrl: string;
  /** For google-auth-library's endpoints (GoogleOAuthEndpoints). */
  oauthEndpoints: { oauth2AuthBaseUrl: string; oauth2TokenUrl: string; oauth2RevokeUrl: string };
  oauthClient: SimulatedOAuthClient;
  oauth: SimulatedGoogleOAuth;
  /** Live users by primary email (lower case): tests read what Google now holds. */
  users: Map<string, SimulatedUser>;
  /** Every request in arrival order, secrets redacted. */
  requests: RecordedRequest[];
  /** Requests whose caller hung up before the answer was sent (an aborted call). */
  abandoned: RecordedRequest[];
  /** The passwords users.update set, in order, for assertions: Google would never show them. */
  passwordsSet: { userKey: string; password: string; changePasswordAtNextLogin: unknown }[];
  /** Queue scripted answers for matching requests; each is used once, then normal service resumes. */
  failNext(matcher: RequestMatcher, ...responses: ScriptedResponse[]): void;
  /** Holds matching requests for `ms` before serving them (a slow Google). */
  delayNext(matcher: RequestMatcher, ms: number): void;
  /**
   * Serves the next matching request (Google has done it) and runs `hook` before the answer leaves: a test
   * can kill the caller there, so Google acted but the caller never heard.
   */
  beforeAnswering(matcher: RequestMatcher, hook: () => Promise<void>): void;
  /** A token set for `domain` as if its admin had consented, without the consent redirect. */
  issueTokens(options?: { scopes?: string[]; expiresInSeconds?: number }): IssuedGoogleTokens;
  stop(): Promise<void>;
}

/**
 * Google's side of the connector, over real HTTP: the OAuth consent/token/revoke endpoints and the Admin SDK
 * Directory endpoints Custodian calls (users.list, users.get, users.update, users.signOut, tokens.list/delete,
 * asps.list/delete), with Google's JSON bodies and error envelopes, x-goog-request-id on every answer, 401
 * for a missing/expired/revoked bearer, and 403 for a user or a listed domain outside the grant's Workspace.
 */
export async function startGoogleWorkspaceSimulator(options: GoogleWorkspaceSimulatorOptions): Promise<GoogleWorkspaceSimulator> {
  const domain = options.domain.toLowerCase();
  const oauthClient = options.oauthClient ?? { clientId: 'custodian-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-simulator-secret' };
  const oauth = new SimulatedGoogleOAuth(oauthClient, options.consent ?? { domain }, options.accessTokenLifetimeSeconds ?? 3600);
  const users = new Map((options.users ?? seedUsers(domain)).map((user) => [user.primaryEmail.toLowerCase(), user]));
  const requests: RecordedRequest[] = [];
  const abandoned: RecordedRequest[] = [];
  const passwordsSet: GoogleWorkspaceSimulator['passwordsSet'] = [];
  const scripts = new ScriptedResponses();
  const delays: { matcher: RequestMatcher; ms: number }[] = [];
  const answerHooks: { matcher: RequestMatcher; hook: () => Promise<void> }[] = [];

  const server = createServer((request, response) => {
    void (async () => {
      const exchange = await readExchange(request);
      const recorded = recordOf(exchange);
      requests.push(recorded);
      response.once('close', () => {
        if (!response.writableFinished) abandoned.push(recorded);
      });
      response.setHeader('x-goog-request-id', randomBytes(8).toString('hex'));
      const delay = delays.findIndex(({ matcher }) => requestMatches(matcher, recorded));
      if (delay >= 0) {
        const [{ ms }] = delays.splice(delay, 1);
        // Unref'd: a stalled answer nobody waits for any more does not keep the test process alive.
        await new Promise((resolve) => setTimeout(resolve, ms).unref());
      }
      const hooked = answerHooks.findIndex(({ matcher }) => requestMatches(matcher, recorded));
      if (hooked >= 0) holdAnswer(response, answerHooks.splice(hooked, 1)[0].hook);
      const scripted = scripts.take(recorded);
      if (scripted) return answerScripted(scripted, exchange, response);
      if (oauth.handle(exchange, response)) return;
      serveDirectory(exchange, response);
    })().catch((error: unknown) => sendJson(response, 500, googleApiErrorBody(500, 'backendError', String(error))));
  });

  function serveDirectory(exchange: HttpExchange, response: ServerResponse): void {
    const grant = oauth.grantForBearer(exchange.headers.authorization);
    if (exchange.path !== USERS_PATH && !exchange.path.startsWith(DIRECTORY_PREFIX)) return sendJson(response, 404, googleApiErrorBody(404, 'notFound', 'Not Found'));
    if (!grant) return sendJson(response, 401, googleApiErrorBody(401, 'authError', 'Invalid Credentials'), { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' });
    if (exchange.path === USERS_PATH) return exchange.method === 'GET' ? listUsers(grant.domain, exchange.query, response) : sendJson(response, 404, googleApiErrorBody(404, 'notFound', 'Not Found'));
    const [userKey, resource, id] = exchange.path.slice(DIRECTORY_PREFIX.length).split('/').map(decodeURIComponent);
    const user = users.get(userKey.toLowerCase()) ?? [...users.values()].find((candidate) => candidate.id === userKey);
    if (!user) return sendJson(response, 404, googleApiErrorBody(404, 'notFound', 'Resource Not Found: userKey'));
    if (!user.primaryEmail.toLowerCase().endsWith(`@${grant.domain}`)) {
      return sendJson(response, 403, googleApiErrorBody(403, 'forbidden', 'Not Authorized to access this resource/api'));
    }
    const route = `${exchange.method} ${resource ?? ''}${id === undefined ? '' : '/:id'}`;
    switch (route) {
      case 'GET ':
        return sendJson(response, 200, userResource(user));
      case 'PUT ':
      case 'PATCH ':
        return updateUser(user, exchange.body ?? {}, response);
      case 'POST signOut':
        user.signOuts += 1;
        return sendJson(response, 204);
      case 'GET tokens':
        return sendJson(response, 200, { kind: 'admin#directory#tokenList', etag: etagOf(user.tokens), items: user.tokens.map((token) => ({ kind: 'admin#directory#token', userKey: user.id, ...token })) });
      case 'DELETE tokens/:id': {
        const before = user.tokens.length;
        user.tokens = user.tokens.filter((token) => token.clientId !== id);
        return before === user.tokens.length ? sendJson(response, 404, googleApiErrorBody(404, 'notFound', 'Resource Not Found: clientId')) : sendJson(response, 204);
      }
      case 'GET asps':
        return sendJson(response, 200, { kind: 'admin#directory#asps', etag: etagOf(user.asps), items: user.asps.map((asp) => ({ kind: 'admin#directory#asp', userKey: user.id, ...asp })) });
      case 'DELETE asps/:id': {
        const before = user.asps.length;
        user.asps = user.asps.filter((asp) => String(asp.codeId) !== id);
        return before === user.asps.length ? sendJson(response, 404, googleApiErrorBody(404, 'notFound', 'Resource Not Found: codeId')) : sendJson(response, 204);
      }
      default:
        return sendJson(response, 404, googleApiErrorBody(404, 'notFound', 'Not Found'));
    }
  }

  /**
   * users.list as Google answers an admin of the Workspace whose primary domain is `grantDomain`: a customer
   * (my_customer or the grant's own id) or a domain is required (400 without); a domain of any other Workspace,
   * or another customer's id, is refused with 403; the grant's users come back sorted by email.
   */
  function listUsers(grantDomain: string, query: URLSearchParams, response: ServerResponse): void {
    const customer = query.get('customer');
    const listed = query.get('domain')?.toLowerCase();
    if (!customer && !listed) return sendJson(response, 400, googleApiErrorBody(400, 'badRequest', 'Bad Request'));
    if ((customer && customer !== 'my_customer' && customer !== customerIdOf(grantDomain)) || (listed && listed !== grantDomain)) {
      return sendJson(response, 403, googleApiErrorBody(403, 'forbidden', 'Not Authorized to access this resource/api'));
    }
    const maxResults = Math.min(Math.max(Number(query.get('maxResults') ?? 100) || 100, 1), 500);
    const found = [...users.values()]
      .filter((user) => user.primaryEmail.toLowerCase().endsWith(`@${grantDomain}`))
      .sort((a, b) => a.primaryEmail.localeCompare(b.primaryEmail))
      .slice(0, maxResults)
      .map(userResource);
    // Google leaves `users` out of an empty page.
    sendJson(response, 200, { kind: 'admin#directory#users', etag: etagOf(found), ...(found.length ? { users: found } : {}) });
  }

  function updateUser(user: SimulatedUser, body: Record<string, unknown>, response: ServerResponse): void {
    if (typeof body.password === 'string') {
      if (body.password.length < 8 || body.password.length > 100) return sendJson(response, 400, googleApiErrorBody(400, 'invalidPassword', 'Invalid Password'));
      user.passwordSets += 1;
      passwordsSet.push({ userKey: user.primaryEmail, password: body.password, changePasswordAtNextLogin: body.changePasswordAtNextLogin });
    }
    if (typeof body.changePasswordAtNextLogin === 'boolean') user.changePasswordAtNextLogin = body.changePasswordAtNextLogin;
    if (typeof body.suspended === 'boolean') {
      user.suspended = body.suspended;
      user.suspensionReason = body.suspended ? 'ADMIN' : undefined;
    }
    sendJson(response, 200, userResource(user));
  }

  function answerScripted(scripted: ScriptedResponse, exchange: HttpExchange, response: ServerResponse): void {
    if ('resetConnection' in scripted) {
      response.socket?.destroy();
      return;
    }
    const headers = { ...(scripted.retryAfter ? { 'retry-after': scripted.retryAfter } : {}), ...scripted.headers };
    const reason = scripted.reason ?? defaultReason(scripted.status);
    const message = scripted.message ?? reason;
    const isOAuth = [TOKEN_PATH, REVOKE_PATH, CONSENT_PATH].includes(exchange.path);
    sendJson(response, scripted.status, isOAuth ? oauthErrorBody(reason, message) : googleApiErrorBody(scripted.status, reason, message), headers);
  }

  function holdAnswer(response: ServerResponse, hook: () => Promise<void>): void {
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.end = ((...args: unknown[]) => {
      void hook().finally(() => end(...args));
      return response;
    }) as ServerResponse['end'];
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    rootUrl: `${base}/`,
    oauthEndpoints: { oauth2AuthBaseUrl: `${base}${CONSENT_PATH}`, oauth2TokenUrl: `${base}${TOKEN_PATH}`, oauth2RevokeUrl: `${base}${REVOKE_PATH}` },
    oauthClient,
    oauth,
    users,
    requests,
    abandoned,
    passwordsSet,
    failNext: (matcher, ...responses) => scripts.add(matcher, responses),
    delayNext: (matcher, ms) => delays.push({ matcher, ms }),
    beforeAnswering: (matcher, hook) => answerHooks.push({ matcher, hook }),
    issueTokens: (issue = {}) => oauth.issueTokensFor(domain, { scopes: issue.scopes ?? ['https://www.googleapis.com/auth/admin.directory.user', 'https://www.googleapis.com/auth/admin.directory.user.security'], expiresInSeconds: issue.expiresInSeconds }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

