import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client as PgClient } from 'pg';
import request from 'supertest';
import { USER_SESSION_COOKIE } from '../../apps/api/src/auth/user-session-cookie';
import { csrfTokenOf, UserSessions } from '../../apps/api/src/auth/user-sessions';
import { TenantScopedDatabase } from '../../libs/db';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { googleSimulatorEnv } from '../support/google-workspace';
import { jiraSimulatorEnv } from '../support/jira-cloud';
import { documentedOperations, randomApiRequest, type Caller, type KnownValue, type RandomApiRequest, type Text } from '../support/random-api-request';
import { startTestApi, type TestApi } from '../support/test-api';
import { superuserConnection } from '../support/test-environment';
import { startWatchedWorker, type WatchedWorker } from '../support/watched-worker';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document and the answers are read as untyped JSON
type Json = Record<string, any>;

/** 10,000 by default; RANDOM_REQUESTS_SEED (with RANDOM_REQUESTS_PATH) replays a failed run, as its message says. */
const RUNS = Number(process.env.RANDOM_REQUESTS_RUNS ?? 10_000);
const SEED = process.env.RANDOM_REQUESTS_SEED ? Number(process.env.RANDOM_REQUESTS_SEED) : Date.now() % 2 ** 31;
const REPLAY_PATH = process.env.RANDOM_REQUESTS_PATH;
/** Requests in flight at once. */
const CONCURRENT = 4;
const ERROR_FIELDS = new Set(['statusCode', 'code', 'message', 'details']);

interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

/**
 * Random and malformed requests (bodies, headers, paths, query strings, unicode, huge numbers, prototype keys,
 * uploads) at every route, with real keys of each role, a person's session and none: the API never answers
 * 5xx, every refusal is in the one error shape, and a refused request leaves no row behind in any table. The
 * real worker runs the workflows accepted requests start, so routes that wait for one answer as they would.
 */
describe('HTTP API: random and malformed requests at every route', () => {
  let api: TestApi;
  let worker: WatchedWorker;
  let google: GoogleWorkspaceSimulator;
  let jira: JiraCloudSimulator;
  let superuser: PgClient;
  let port: number;
  let agent: http.Agent;
  let document: Json;
  const keys = {} as Record<Caller, string | undefined>;
  const known = {} as Record<KnownValue, string>;
  let rowCountsSql: string;
  let session: { cookie: string; csrfToken: string };
  let signInAgain: () => Promise<void>;

  beforeAll(async () => {
    // Its own task queue: the workflows these requests start run on this file's worker and no other test's.
    const taskQueue = `random-requests-${Date.now()}`;
    // Google and Jira configured (at their simulators), so their routes get as far as the input allows.
    google = await startGoogleWorkspaceSimulator({ domain: 'acme.example' });
    jira = await startJiraCloudSimulator({ sites: [{ cloudId: '11111111-2222-4333-8444-555555555555', name: 'acme', projects: [{ id: '10000', key: 'OPS', name: 'Operations' }] }] });
    api = await startTestApi({ withWorker: false, env: { TEMPORAL_TASK_QUEUE: taskQueue, ...googleSimulatorEnv(google), ...jiraSimulatorEnv(jira) } });
    worker = await startWatchedWorker(new TenantScopedDatabase(api.prisma), taskQueue);
    superuser = await superuserConnection();
    await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
    port = (api.http.address() as AddressInfo).port;
    agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT });

    const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
    const tenant = async (slug: string) =>
      (await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `${slug}-${Date.now()}`, name: 'Random Requests LLP' }).expect(201)).body;
    const home = await tenant('random');
    const person = { email: 'ada@random.example', password: 'plum-orbit-lantern-42' };
    const other = await tenant('random-other');
    keys.admin = home.adminApiKey.key;
    keys.otherTenantAdmin = other.adminApiKey.key;
    keys.operator = api.operatorKey;
    const issue = async (role: string) => (await request(api.http).post('/v1/api-keys').set(bearer(keys.admin!)).send({ name: `${role}-key`, role }).expect(201)).body;
    keys.manager = (await issue('manager')).key;
    keys.agent = (await issue('agent')).key;
    keys.auditor = (await issue('auditor')).key;
    const revoked = await issue('agent');
    await request(api.http).delete(`/v1/api-keys/${revoked.id}`).set(bearer(keys.admin!)).expect((response) => expect(response.status).toBeLessThan(300));
    keys.revokedKey = revoked.key;
    const invited = (await request(api.http).post('/v1/users/invitations').set(bearer(keys.admin!)).send({ email: person.email, displayName: 'Ada', role: 'admin' }).expect(201)).body;
    await request(api.http).post('/v1/auth/invitations/accept').send({ token: invited.invitationToken, password: person.password }).expect(200);
    const signedIn = await request(api.http).post('/v1/auth/sign-in').send({ tenant: home.tenant.slug, email: person.email, password: person.password }).expect(200);
    session = { cookie: signedIn.headers['set-cookie']![0]!.split(';')[0]!, csrfToken: signedIn.body.csrfToken };
    // A random request may sign the person out; a new session then opens as sign-in would open it (sign-in itself is rate limited).
    signInAgain = async () => {
      const token = await new TenantScopedDatabase(api.prisma).withTenant(home.tenant.id, (tx) => api.app.get(UserSessions).open(tx, home.tenant.id, invited.user.id));
      session = { cookie: `${USER_SESSION_COOKIE}=${token}`, csrfToken: csrfTokenOf(token) };
    };
    keys.unknownTenantKey = 'ck_0f8fad5bd9cb469fa16570867728950e_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';
    keys.unknownOperatorKey = 'co_0f8fad5bd9cb469fa16570867728950e_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';
    const ticket = (await request(api.http).post('/v1/tickets').set(bearer(keys.agent!)).send({ summary: 'Printer on fire', requester: 'jane@acme.example' }).expect(201)).body;
    const otherTicket = (await request(api.http).post('/v1/tickets').set(bearer(keys.otherTenantAdmin!)).send({ summary: 'VPN down', requester: 'joe@other.example' }).expect(201)).body;
    const report = (
      await request(api.http).post('/v1/security-reports').send({ summary: 'Stored XSS', details: 'A summary with <script> runs', reporterEmail: 'finder@research.example' }).expect(201)
    ).body;
    Object.assign(known, {
      tenantId: home.tenant.id,
      ticketId: ticket.id,
      ticketRef: ticket.ref,
      otherTenantTicketId: otherTicket.id,
      apiKeyId: (await issue('auditor')).id,
      securityReportRef: report.ref,
    } satisfies Record<KnownValue, string>);

    document = (await request(api.http).get('/docs/openapi.json').expect(200)).body;
    const tables = await superuser.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    rowCountsSql = tables.rows.map(({ name }) => `SELECT '${name}' AS name, count(*) AS n FROM "${name}"`).join(' UNION ALL ');
    await worker.quiet({ quietMs: 300, maxMs: 10_000 });
  }, 120_000);

  afterAll(async () => {
    agent?.destroy();
    await worker?.stop();
    await superuser?.end();
    await api?.close();
    await google?.stop();
    await jira?.stop();
  });

  /**
   * Rows in every table of the database, every tenant's and the platform's, counted past row-level security. A
   * transaction that writes gets a transaction id, so while the next id to be assigned has not moved, nothing was
   * written and the last counts stand (counting every table takes far longer than asking for that id).
   */
  let counted: { nextTransactionId: string; counts: Map<string, number> } | undefined;
  async function rowCounts(): Promise<Map<string, number>> {
    const nextTransactionId = (await superuser.query<{ id: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS id')).rows[0]!.id;
    if (counted?.nextTransactionId === nextTransactionId) return counted.counts;
    const counts = new Map((await superuser.query<{ name: string; n: string }>(rowCountsSql)).rows.map(({ name, n }) => [name, Number(n)]));
    counted = { nextTransactionId, counts };
    return counts;
  }

  const resolve = (text: Text) => (typeof text === 'string' ? text : known[text.known]);

  function send(random: RandomApiRequest): Promise<Answer> {
    const key = keys[random.caller];
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(random.headers)) headers[name] = Array.isArray(value) ? value : value.replace('{tenantId}', known.tenantId);
    if (random.authorization !== undefined) headers.authorization = random.authorization.replaceAll('{key}', key ?? '');
    else if (key !== undefined) headers.authorization = `Bearer ${key}`;
    if (random.caller === 'person') {
      headers.cookie = [session.cookie, ...[random.headers.cookie ?? []].flat()].join('; ');
      headers['x-csrf-token'] ??= session.csrfToken;
    }
    if (random.padding !== undefined) headers['x-padding'] = 'p'.repeat(random.padding);
    const body = random.body === undefined ? undefined : 'text' in random.body ? Buffer.from(random.body.text, 'utf8') : Buffer.from(random.body.bytes);
    // Stated, because Node's client leaves it out of a GET, whose body the server would then read as the next request.
    if (body !== undefined) headers['content-length'] = String(body.length);
    if (random.body?.contentType !== undefined) headers['content-type'] = random.body.contentType;
    const path = random.path.map(resolve).join('') + (random.query ? `?${random.query}` : '');
    return new Promise((answer, fail) => {
      const outgoing = http.request({ host: '127.0.0.1', port, method: random.method, path, headers, agent, timeout: 20_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => answer({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
        response.on('error', fail);
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 20 s')));
      outgoing.on('error', fail);
      outgoing.end(body);
    });
  }

  /**
   * A route that serves pages to a person's browser answers its failures with pages too: always when it serves
   * nothing but pages (an OAuth callback), else unless the caller asked for JSON alone (a one-time secret link).
   */
  function mayAnswerWithPage(random: RandomApiRequest): boolean {
    const [method, template] = random.operation.split(' ');
    const responses = Object.entries(document.paths[template]?.[method.toLowerCase()]?.responses ?? {}) as [string, Json][];
    const pages = responses.filter(([, response]) => response.content?.['text/html'] !== undefined);
    const successes = responses.filter(([status]) => /^2\d\d$/.test(status));
    const pagesOnly = successes.length > 0 && successes.every(([, response]) => Object.keys(response.content ?? {}).join() === 'text/html');
    return pagesOnly || (pages.length > 0 && random.headers.accept !== 'application/json');
  }

  /** What is wrong with the answer to a request, if anything: a 5xx, or a refusal not in the error shape. */
  function problemsWith(random: RandomApiRequest, answer: Answer): string[] {
    if (answer.status >= 500) return [`answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 500)}`];
    if (answer.status < 400 || random.method === 'HEAD') return [];
    if (answer.contentType.startsWith('text/html') && mayAnswerWithPage(random)) return [];
    if (!answer.contentType.startsWith('application/json')) return [`refused with ${answer.status} as "${answer.contentType}", not the JSON error shape: ${answer.body.toString('utf8').slice(0, 300)}`];
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString('utf8'));
    } catch {
      return [`refused with ${answer.status} and a body that is not JSON: ${answer.body.toString('utf8').slice(0, 300)}`];
    }
    const shaped =
      typeof body === 'object' &&
      body !== null &&
      Object.keys(body).every((field) => ERROR_FIELDS.has(field)) &&
      (body as Json).statusCode === answer.status &&
      /^[a-z_]+$/.test((body as Json).code) &&
      typeof (body as Json).message === 'string' &&
      (body as Json).message.length > 0 &&
      ((body as Json).details === undefined || Array.isArray((body as Json).details));
    return shaped ? [] : [`refused with ${answer.status} but not in the error shape: ${JSON.stringify(body).slice(0, 300)}`];
  }

  /**
   * A failed credential check is a security event, audited by design even though the request is refused: a wrong
   * sign-in to a tenant that exists, a password change with the wrong current password. Nothing but that event.
   */
  function auditedByDesign(random: RandomApiRequest, answer: Answer, written: string[]): boolean {
    if (random.method !== 'POST' || !written.every((table) => table.startsWith('audit_events '))) return false;
    if (random.operation === 'POST /v1/auth/sign-in') return answer.status === 401;
    return random.operation === 'POST /v1/auth/password' && answer.status === 400 && answer.body.toString('utf8').includes('the current password is not right');
  }

  function changedTables(before: Map<string, number>, after: Map<string, number>): string[] {
    return [...after].filter(([table, count]) => before.get(table) !== count).map(([table, count]) => `${table} ${before.get(table) ?? 0} -> ${count}`);
  }

  /**
   * Sends the request between two row counts. When an activity ran during the request, the counts cannot tell
   * whose write it was: once the workflows are quiet the request goes again, and only a span with no activity counts.
   */
  async function sendWatched(random: RandomApiRequest): Promise<{ answer: Answer; written: string[]; judged: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const changesBefore = worker.changes;
      const runningBefore = worker.running;
      const before = await rowCounts();
      const answer = await send(random);
      const written = answer.status >= 400 ? changedTables(before, await rowCounts()) : [];
      const judged = runningBefore === 0 && worker.running === 0 && worker.changes === changesBefore;
      if (written.length === 0 || judged || attempt === 1) return { answer, written, judged: written.length === 0 || judged };
      await worker.quiet({ quietMs: 200, maxMs: 5_000 });
    }
  }

  /** Problems of one request's answer and writes, each naming the request. */
  function problemsOf(random: RandomApiRequest, answer: Answer, written: string[], judged: boolean): string[] {
    const problems = problemsWith(random, answer);
    if (written.length > 0 && judged && !auditedByDesign(random, answer, written)) {
      problems.push(`refused with ${answer.status}, yet wrote rows: ${written.join(', ')} (${answer.body.toString('utf8').slice(0, 200)})`);
    }
    const sentAs = random.method === random.operation.split(' ')[0] ? '' : ` sent as ${random.method}`;
    return problems.map((problem) => `${random.operation}${sentAs} (${random.caller}): ${problem}`);
  }

  it(`answers ${RUNS} random requests without a 5xx, each refusal in the error shape and without a row written`, async () => {
    const operations = documentedOperations(document);
    expect(operations.length).toBeGreaterThan(60);
    const statuses = new Map<number, number>();
    let unjudged = 0;
    const started = Date.now();
    await fc.assert(
      // A few at a time, as clients send them: the server works on one while the database answers another.
      fc.asyncProperty(fc.array(randomApiRequest(operations), { minLength: CONCURRENT, maxLength: CONCURRENT }), async (batch) => {
        const changesBefore = worker.changes;
        const runningBefore = worker.running;
        const before = await rowCounts();
        const answers = await Promise.all(batch.map(send));
        const written = changedTables(before, await rowCounts());
        const judged = runningBefore === 0 && worker.running === 0 && worker.changes === changesBefore;
        for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const problems = batch.flatMap((random, index) => problemsOf(random, answers[index]!, [], true));
        // Rows were written while some were refused: each refused one goes again alone, to be judged by its own writes.
        const refused = batch.filter((_, index) => answers[index]!.status >= 400);
        // Rows are explained by an accepted request, by activities running beside, or by a refusal audited by design.
        let explained = refused.length < batch.length || !judged || batch.some((random, index) => auditedByDesign(random, answers[index]!, written));
        if (written.length > 0 && refused.length > 0) {
          for (const random of refused) {
            const alone = await sendWatched(random);
            if (!alone.judged) unjudged++;
            if (alone.written.length > 0) explained = true;
            problems.push(...problemsOf(random, alone.answer, alone.written, alone.judged));
          }
          if (!explained) problems.push(`refused all ${batch.length} and wrote rows (${written.join(', ')}), which none of them writes alone`);
        }
        if (problems.length > 0) throw new Error(problems.join('\n'));
        if (batch.some((random, index) => random.caller === 'person' && answers[index]!.status === 401)) await signInAgain();
      }),
      { numRuns: Math.ceil(RUNS / CONCURRENT), seed: SEED, ...(REPLAY_PATH ? { path: REPLAY_PATH } : {}) },
    );
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ');
    process.stdout.write(`random requests: ${RUNS} in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}); ${summary}; ${unjudged} refusals beside running activities\n`);
    // The writes check means something only if nearly every refusal was watched without activities beside it.
    expect(unjudged).toBeLessThan(RUNS / 100);
  }, 900_000);
});
