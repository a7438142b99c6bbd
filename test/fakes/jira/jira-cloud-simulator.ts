import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordOf, type RecordedRequest } from '../google/recorded-request';
import { requestMatches } from '../google/scripted-responses';
import { gatewayUnauthorizedBody, jiraErrorBody, oauthErrorBody } from './jira-error-bodies';
import { readJiraExchange, sendJson } from './jira-exchange';
import { JiraResources } from './jira-resources';
import { serveJiraRest } from './jira-rest-api';
import { defaultJiraMessage, ScriptedJiraFaults, type RequestMatcher, type ScriptedJiraFault } from './scripted-jira-faults';
import { ACCESSIBLE_RESOURCES_PATH, AUTHORIZE_PATH, SimulatedAtlassianOAuth, TOKEN_PATH, type IssuedAtlassianTokens, type SimulatedAtlassianClient, type SimulatedAtlassianConsent } from './simulated-atlassian-oauth';
import { SimulatedClock } from './simulated-clock';
import type { SimulatedJiraUser, SimulatedProject } from './simulated-jira-records';
import { SimulatedJiraSite } from './simulated-jira-site';
import { SimulatedJiraWebhooks } from './simulated-jira-webhooks';
import { SimulatedRateLimit } from './simulated-rate-limit';

const SITE_PATH = /^\/ex\/jira\/([^/]+)(\/.*)$/;

/** The scopes a grant gets when a test issues tokens without naming any: what Custodian asks for. */
export const SIMULATOR_DEFAULT_SCOPES = ['read:jira-work', 'write:jira-work', 'manage:jira-webhook', 'read:jira-user', 'offline_access'];

export interface SimulatedSiteOptions {
  cloudId?: string;
  /** https://<name>.atlassian.net when absent. */
  url?: string;
  name: string;
  projects?: SimulatedProject[];
}

export interface JiraCloudSimulatorOptions {
  host?: string;
  /** 0 (any free port) when absent. */
  port?: number;
  /** The OAuth app Custodian is registered as; a fixed test app when absent. */
  oauthClient?: SimulatedAtlassianClient;
  /** The sites the simulator hosts; one site "acme" with project DEMO when absent. */
  sites?: SimulatedSiteOptions[];
  /** The account that consents (the app acts as it); "Custodian Sync" when absent. */
  appAccount?: SimulatedJiraUser;
  /** Colleagues who edit issues in Jira by hand; two when absent. */
  people?: SimulatedJiraUser[];
  /** How the admin answers the consent screen beyond who they are. */
  consent?: Omit<SimulatedAtlassianConsent, 'accountId'>;
  /** Issues seeded in every project of every site. */
  issuesPerProject?: number;
  accessTokenLifetimeSeconds?: number;
  /** How long a rotated-out refresh token may still be used; Atlassian's is 10 minutes, the default here none, so any reuse shows. */
  refreshTokenReuseLeewayMs?: number;
  webhookRetry?: { maxRetries: number; delayMs: number };
  /** How far /search/jql trails writes (Jira's index lag; reconcileIssues reads given ids fresh); 0 when absent. */
  searchLagMs?: number;
}

export interface JiraCloudSimulator {
  /** For JIRA_AUTH_BASE_URL: /authorize and /oauth/token are under it. */
  authBaseUrl: string;
  /** For JIRA_API_BASE_URL: /oauth/token/accessible-resources and /ex/jira/{cloudId} are under it. */
  apiBaseUrl: string;
  /** The REST host of one site, as jira.js's `host` takes it. */
  siteApiBase(cloudId?: string): string;
  oauthClient: SimulatedAtlassianClient;
  oauth: SimulatedAtlassianOAuth;
  clock: SimulatedClock;
  /** The first site, and every site by cloudId. */
  site: SimulatedJiraSite;
  sites: Map<string, SimulatedJiraSite>;
  appAccount: SimulatedJiraUser;
  people: SimulatedJiraUser[];
  webhooks: SimulatedJiraWebhooks;
  rateLimit: SimulatedRateLimit;
  /** Every request in arrival order, secrets redacted. */
  requests: RecordedRequest[];
  /** Requests whose caller hung up before the answer was sent (an aborted call). */
  abandoned: RecordedRequest[];
  /** The REST writes among them (create, edit, transition, comment, attachment, property, webhook); searches are reads. */
  writes(): RecordedRequest[];
  /** Queue scripted answers for matching requests; each is used once, then normal service resumes. */
  failNext(matcher: RequestMatcher, ...faults: ScriptedJiraFault[]): void;
  /** Holds matching requests for `ms` before serving them (a slow Jira). */
  delayNext(matcher: RequestMatcher, ms: number): void;
  /** Serves the next matching request (Jira has done it) and runs `hook` before the answer leaves. */
  beforeAnswering(matcher: RequestMatcher, hook: () => Promise<void>): void;
  /** A token set as if the app account had consented, without the consent redirect. */
  issueTokens(options?: { scopes?: string[]; cloudIds?: string[]; expiresInSeconds?: number }): IssuedAtlassianTokens;
  stop(): Promise<void>;
}

/**
 * Atlassian's side of a Jira Cloud sync over real HTTP: the OAuth 2.0 (3LO) endpoints with rotating refresh
 * tokens, the accessible-resources list, and per site the REST v3 routes a sync needs behind the bearer token
 * (issues, search/jql, transitions, comments, changelog, attachments, issue properties, dynamic webhooks,
 * myself, serverInfo), each answer carrying an x-arequestid. Faults are scriptable (any status, 429 with
 * Retry-After and X-RateLimit-*, dropped connections) and a per-second request limit can be switched on.
 */
export async function startJiraCloudSimulator(options: JiraCloudSimulatorOptions = {}): Promise<JiraCloudSimulator> {
  const clock = new SimulatedClock();
  const oauthClient = options.oauthClient ?? { clientId: 'custodian-jira-test-client', clientSecret: 'ATOAsimulator-client-secret' };
  const appAccount = options.appAccount ?? { accountId: '712020:5d1c6a4e-custodian-sync', displayName: 'Custodian Sync', emailAddress: 'jira-sync@acme.example', active: true };
  const people = options.people ?? [
    { accountId: '712020:8a7f0c2e-priya', displayName: 'Priya Shah', emailAddress: 'priya@acme.example', active: true },
    { accountId: '712020:1b9d4f7a-tom', displayName: 'Tom Berg', emailAddress: 'tom@acme.example', active: true },
  ];
  const siteOptions = options.sites ?? [{ name: 'acme', projects: [{ id: '10000', key: 'DEMO', name: 'Demo service desk' }] }];
  const sites = new Map<string, SimulatedJiraSite>();
  for (const siteOption of siteOptions) {
    const cloudId = siteOption.cloudId ?? randomUUID();
    const site = new SimulatedJiraSite(
      { cloudId, url: siteOption.url ?? `https://${siteOption.name}.atlassian.net`, name: siteOption.name, users: [appAccount, ...people], projects: siteOption.projects ?? [] },
      clock,
      options.searchLagMs,
    );
    for (const project of site.projects.values()) if (options.issuesPerProject) site.seedIssues(project.key, options.issuesPerProject, people[0]?.accountId ?? appAccount.accountId);
    sites.set(cloudId, site);
  }
  const oauth = new SimulatedAtlassianOAuth(
    oauthClient,
    { accountId: appAccount.accountId, ...options.consent },
    () => [...sites.values()].map(({ cloudId, url, name }) => ({ cloudId, url, name })),
    clock,
    { accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 3600, reuseLeewayMs: options.refreshTokenReuseLeewayMs ?? 0 },
  );
  let base = '';
  const resourcesFor = (site: SimulatedJiraSite) => new JiraResources(`${base}/ex/jira/${site.cloudId}`, (id) => site.users.get(id), (key) => site.projects.get(key));
  const webhooks = new SimulatedJiraWebhooks(clock, oauthClient.clientSecret, resourcesFor, options.webhookRetry ?? { maxRetries: 3, delayMs: 200 });
  for (const site of sites.values()) site.onEvent((event) => webhooks.onSiteEvent(site, event));
  const rateLimit = new SimulatedRateLimit();
  const requests: RecordedRequest[] = [];
  const abandoned: RecordedRequest[] = [];
  const faults = new ScriptedJiraFaults();
  const delays: { matcher: RequestMatcher; ms: number }[] = [];
  const answerHooks: { matcher: RequestMatcher; hook: () => Promise<void> }[] = [];

  const server = createServer((request, response) => {
    void (async () => {
      const exchange = await readJiraExchange(request);
      const recorded = recordOf(exchange);
      requests.push(recorded);
      response.once('close', () => {
        if (!response.writableFinished) abandoned.push(recorded);
      });
      response.setHeader('x-arequestid', randomUUID());
      const delay = delays.findIndex(({ matcher }) => requestMatches(matcher, recorded));
      // Unref'd: a stalled answer nobody waits for any more does not keep the test process alive.
      if (delay >= 0) await new Promise((resolve) => setTimeout(resolve, delays.splice(delay, 1)[0].ms).unref());
      const hooked = answerHooks.findIndex(({ matcher }) => requestMatches(matcher, recorded));
      if (hooked >= 0) holdAnswer(response, answerHooks.splice(hooked, 1)[0].hook);
      const fault = faults.take(recorded);
      if (fault) return answerFault(fault, exchange.path, response);
      if (oauth.handle(exchange, response)) return;
      const sitePath = SITE_PATH.exec(exchange.path);
      if (!sitePath) return sendJson(response, 404, jiraErrorBody(['Not Found']));
      const now = clock.now();
      const limited = rateLimit.check(now);
      for (const [name, value] of Object.entries(rateLimit.headers(now))) response.setHeader(name, value);
      if (limited) {
        return sendJson(response, 429, jiraErrorBody(['Rate limit exceeded.']), {
          'retry-after': String(limited.retryAfterSeconds),
          'x-ratelimit-reset': new Date(limited.resetAt).toISOString(),
          'ratelimit-reason': 'jira-burst-based',
        });
      }
      const grant = oauth.grantForBearer(exchange.headers.authorization);
      if (!grant) return sendJson(response, 401, gatewayUnauthorizedBody(), { 'www-authenticate': 'OAuth realm="Jira"' });
      const site = sites.get(sitePath[1]);
      if (!site) return sendJson(response, 404, jiraErrorBody(['Site not found']));
      if (!grant.cloudIds.includes(site.cloudId)) return sendJson(response, 401, gatewayUnauthorizedBody());
      if (!serveJiraRest({ site, grant, resources: resourcesFor(site), webhooks, now }, exchange, response, sitePath[2])) {
        sendJson(response, 404, jiraErrorBody([`No route for ${exchange.method} ${sitePath[2]}`]));
      }
    })().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, jiraErrorBody([`Internal server error: ${String(error)}`]));
    });
  });

  function answerFault(fault: ScriptedJiraFault, path: string, response: ServerResponse): void {
    if ('resetConnection' in fault) {
      response.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = { ...fault.headers };
    if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
    if (fault.rateLimitReset !== undefined) headers['x-ratelimit-reset'] = fault.rateLimitReset;
    if (fault.status === 429) Object.assign(headers, { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'ratelimit-reason': 'jira-burst-based' }, fault.headers);
    const message = fault.message ?? defaultJiraMessage(fault.status);
    if (path === TOKEN_PATH || path === AUTHORIZE_PATH) return sendJson(response, fault.status, oauthErrorBody(fault.status === 403 ? 'invalid_grant' : 'server_error', message), headers);
    if (fault.status === 401 || path === ACCESSIBLE_RESOURCES_PATH) return sendJson(response, fault.status, { code: fault.status, message }, headers);
    sendJson(response, fault.status, jiraErrorBody(fault.errors ? [] : [message], fault.errors), headers);
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
  base = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const firstSite = [...sites.values()][0];
  return {
    authBaseUrl: base,
    apiBaseUrl: base,
    siteApiBase: (cloudId = firstSite.cloudId) => `${base}/ex/jira/${cloudId}`,
    oauthClient,
    oauth,
    clock,
    site: firstSite,
    sites,
    appAccount,
    people,
    webhooks,
    rateLimit,
    requests,
    abandoned,
    writes: () => requests.filter((request) => request.path.startsWith('/ex/jira/') && request.method !== 'GET' && !request.path.endsWith('/search/jql')),
    failNext: (matcher, ...list) => faults.add(matcher, list),
    delayNext: (matcher, ms) => delays.push({ matcher, ms }),
    beforeAnswering: (matcher, hook) => answerHooks.push({ matcher, hook }),
    issueTokens: (issue = {}) => oauth.issueTokens({ accountId: appAccount.accountId, scopes: issue.scopes ?? SIMULATOR_DEFAULT_SCOPES, cloudIds: issue.cloudIds, expiresInSeconds: issue.expiresInSeconds }),
    stop: async () => {
      await webhooks.settle();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
