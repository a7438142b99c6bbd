import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Version3Client, type Version3Models } from 'jira.js';
import { startJiraCloudSimulator, type JiraCloudSimulator } from '../../fakes/jira/jira-cloud-simulator';
import { adfParagraph } from '../../fakes/jira/jira-resources';

/** The simulator must answer the real jira.js client as Jira Cloud would; these pin what the sync relies on. */
const adf = (text: string) => adfParagraph(text) as Version3Models.Document;

describe('Jira Cloud simulator (real jira.js over HTTP)', () => {
  let jira: JiraCloudSimulator;
  let client: Version3Client;

  beforeAll(async () => {
    jira = await startJiraCloudSimulator({ issuesPerProject: 7 });
  });
  afterAll(() => jira.stop());

  beforeEach(() => {
    const tokens = jira.issueTokens();
    client = new Version3Client({ host: jira.siteApiBase(), authentication: { oauth2: { accessToken: tokens.accessToken } } });
    jira.requests.splice(0);
  });

  async function token(body: Record<string, string>) {
    const response = await fetch(`${jira.authBaseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: jira.oauthClient.clientId, client_secret: jira.oauthClient.clientSecret, ...body }) });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  it('creates, edits, transitions and comments as the app account, moving `updated` and writing the changelog', async () => {
    const created = await client.issues.createIssue({ fields: { project: { key: 'DEMO' }, summary: 'Printer on fire', issuetype: { name: 'Bug' }, description: adf('Smoke seen') } });
    expect(created.key).toMatch(/^DEMO-\d+$/);
    const before = jira.site.issue(created.key).updated;
    await client.issues.editIssue({ issueIdOrKey: created.key, fields: { summary: 'Printer still on fire', priority: { name: 'Highest' } } });
    const { transitions } = await client.issues.getTransitions({ issueIdOrKey: created.key });
    const toDone = transitions!.find((transition) => transition.to?.name === 'Done')!;
    await client.issues.doTransition({ issueIdOrKey: created.key, transition: { id: toDone.id } });
    await client.issueComments.addComment({ issueIdOrKey: created.key, comment: adf('Extinguished') });
    const issue = await client.issues.getIssue({ issueIdOrKey: created.key });
    expect(issue.fields).toMatchObject({ summary: 'Printer still on fire', status: { name: 'Done' }, priority: { name: 'Highest' }, issuetype: { name: 'Bug' } });
    expect(Date.parse(issue.fields.updated as unknown as string)).toBeGreaterThan(before);
    const changelog = await client.issues.getChangeLogs({ issueIdOrKey: created.key });
    expect(changelog.values!.map((entry) => [entry.author!.accountId, entry.items!.map((item) => item.field)])).toEqual([
      [jira.appAccount.accountId, ['summary', 'priority']],
      [jira.appAccount.accountId, ['status']],
    ]);
    expect(jira.writes().map((request) => request.method)).toEqual(['POST', 'PUT', 'POST', 'POST']);
  });

  it('refuses an edit of status, an unknown priority and a missing summary with 400 naming the field', async () => {
    const error = await client.issues.editIssue({ issueIdOrKey: 'DEMO-1', fields: { status: { name: 'Done' }, priority: { name: 'Urgent!' } } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, response: { data: { errors: { status: expect.stringContaining("Field 'status' cannot be set"), priority: 'The priority selected is invalid.' } } } });
    await expect(client.issues.editIssue({ issueIdOrKey: 'DEMO-1', fields: { summary: 'quietly' }, notifyUsers: false })).rejects.toMatchObject({ status: 403 });
    await expect(client.issues.createIssue({ fields: { project: { key: 'DEMO' }, issuetype: { name: 'Task' } } as never })).rejects.toMatchObject({ status: 400, response: { data: { errors: { summary: expect.any(String) } } } });
  });

  it('pages /search/jql with nextPageToken and isLast, filters by JQL and orders by updated', async () => {
    jira.site.editIssue('DEMO-3', { summary: 'touched last' }, {}, jira.people[0].accountId);
    const keys: string[] = [];
    let nextPageToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = DEMO ORDER BY updated ASC', maxResults: 3, nextPageToken, fields: ['summary', 'updated'] });
      keys.push(...page.issues!.map((issue) => issue.key));
      nextPageToken = page.nextPageToken;
      pages += 1;
      expect((page as { isLast?: boolean }).isLast).toBe(nextPageToken === undefined);
    } while (nextPageToken);
    expect(new Set(keys).size).toBe(jira.site.issues.size);
    expect(keys[keys.length - 1]).toBe('DEMO-3');
    expect(pages).toBe(Math.ceil(jira.site.issues.size / 3));
    const posted = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: `project in (DEMO) AND updated >= "${new Date(Date.now() + 3_600_000).toISOString().slice(0, 16).replace('T', ' ')}"` });
    expect(posted.issues).toEqual([]);
    // Without `fields`, the enhanced search returns ids only, up to 5000 a page.
    const ids = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'project = DEMO', maxResults: 5000 });
    expect(ids.issues).toHaveLength(jira.site.issues.size);
    expect(ids.issues!.every((issue) => Object.keys(issue).join() === 'id')).toBe(true);
    await expect(client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'colour = red' })).rejects.toMatchObject({ status: 400, response: { data: { errorMessages: [expect.stringContaining("Field 'colour' does not exist")] } } });
  });

  it('takes multipart attachments only with X-Atlassian-Token: no-check, and serves their content', async () => {
    // jira.js's addAttachment loads 'stream' by a dynamic import() that jest's VM refuses; the same multipart request through its client.
    const form = new FormData();
    form.append('file', new Blob(['line 1\nline 2\n'], { type: 'text/plain' }), 'log.txt');
    const [attachment] = await client.sendRequest<Version3Models.Attachment[]>({ url: '/rest/api/3/issue/DEMO-2/attachments', method: 'POST', headers: { 'X-Atlassian-Token': 'no-check' }, data: form }, undefined as never);
    expect(attachment).toMatchObject({ filename: 'log.txt', size: 14, mimeType: 'text/plain' });
    expect(jira.site.issue('DEMO-2').attachments[0].content.toString()).toBe('line 1\nline 2\n');
    const refused = await fetch(`${jira.siteApiBase()}/rest/api/3/issue/DEMO-2/attachments`, { method: 'POST', headers: { authorization: `Bearer ${jira.issueTokens().accessToken}`, 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' });
    expect(refused.status).toBe(403);
  });

  it('stores issue properties (201 new, 200 replaced) and finds issues by them in JQL', async () => {
    await client.issueProperties.setIssueProperty({ issueIdOrKey: 'DEMO-4', propertyKey: 'custodian', propertyValue: { ticketId: 'CT-000042' } });
    expect(await client.issueProperties.getIssueProperty({ issueIdOrKey: 'DEMO-4', propertyKey: 'custodian' })).toEqual({ key: 'custodian', value: { ticketId: 'CT-000042' } });
    const found = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'issue.property[custodian].ticketId = "CT-000042"', fields: ['key'] });
    expect(found.issues!.map((issue) => issue.key)).toEqual(['DEMO-4']);
    await client.issueProperties.deleteIssueProperty({ issueIdOrKey: 'DEMO-4', propertyKey: 'custodian' });
    await expect(client.issueProperties.getIssueProperty({ issueIdOrKey: 'DEMO-4', propertyKey: 'custodian' })).rejects.toMatchObject({ status: 404 });
  });

  describe('dynamic webhooks', () => {
    let receiver: Server;
    let received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[];
    let url: string;
    let failFirst = false;

    beforeAll(async () => {
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> });
          if (failFirst) {
            failFirst = false;
            response.statusCode = 503;
          }
          response.end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/jira/webhooks/secret-123`;
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    beforeEach(() => {
      received = [];
    });

    it('registers with a JQL filter, delivers matching events with identifier and signature, expires after 30 days unless refreshed', async () => {
      const { webhookRegistrationResult } = await client.webhooks.registerDynamicWebhooks({ url, webhooks: [{ events: ['jira:issue_updated', 'comment_created'], jqlFilter: 'project = DEMO' }] });
      const id = webhookRegistrationResult![0].createdWebhookId!;
      const listed = await client.webhooks.getDynamicWebhooksForApp();
      expect(listed.values).toEqual([expect.objectContaining({ id, jqlFilter: 'project = DEMO', expirationDate: expect.any(Number) })]);
      jira.site.editIssue('DEMO-5', { summary: 'edited by a person' }, {}, jira.people[1].accountId);
      await jira.webhooks.settle();
      expect(received).toHaveLength(1);
      expect(received[0].headers).toMatchObject({ 'x-atlassian-webhook-identifier': expect.any(String), authorization: expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/) });
      expect(received[0].body).toMatchObject({ webhookEvent: 'jira:issue_updated', matchedWebhookIds: [id], user: { accountId: jira.people[1].accountId }, issue: { key: 'DEMO-5' }, changelog: { items: [expect.objectContaining({ field: 'summary', toString: 'edited by a person' })] } });

      jira.clock.advance(29 * 24 * 3600 * 1000);
      client = new Version3Client({ host: jira.siteApiBase(), authentication: { oauth2: { accessToken: jira.issueTokens().accessToken } } });
      const { expirationDate } = await client.webhooks.refreshWebhooks({ webhookIds: [id] });
      expect(expirationDate).toBeGreaterThan(jira.clock.now() + 29 * 24 * 3600 * 1000);
      jira.clock.advance(31 * 24 * 3600 * 1000);
      jira.site.editIssue('DEMO-5', { summary: 'after expiry' }, {}, jira.people[1].accountId);
      await jira.webhooks.settle();
      expect(received).toHaveLength(1);
      client = new Version3Client({ host: jira.siteApiBase(), authentication: { oauth2: { accessToken: jira.issueTokens().accessToken } } });
      await client.webhooks.deleteWebhookById({ webhookIds: [id] });
      expect(jira.webhooks.registered).toEqual([]);
    });

    it('retries a delivery the receiver answered with 5xx, with the same identifier and X-Atlassian-Webhook-Retry', async () => {
      await client.webhooks.registerDynamicWebhooks({ url: url.replace('secret-123', 'flaky'), webhooks: [{ events: ['comment_created'], jqlFilter: 'project = DEMO' }] });
      failFirst = true;
      jira.site.addComment('DEMO-7', adfParagraph('first try fails'), jira.people[0].accountId);
      await jira.webhooks.settle();
      expect(received.map((delivery) => delivery.headers['x-atlassian-webhook-retry'])).toEqual([undefined, '1']);
      expect(new Set(received.map((delivery) => delivery.headers['x-atlassian-webhook-identifier'])).size).toBe(1);
      expect(jira.webhooks.outcomes.slice(-2).map((outcome) => outcome.status)).toEqual([503, 200]);
    });

    it('holds deliveries and sends them reversed, twice (same identifier, X-Atlassian-Webhook-Retry) or never', async () => {
      await client.webhooks.registerDynamicWebhooks({ url, webhooks: [{ events: ['jira:issue_updated'], jqlFilter: 'project = DEMO' }] });
      jira.webhooks.hold();
      for (const summary of ['one', 'two', 'three']) jira.site.editIssue('DEMO-6', { summary }, {}, jira.people[0].accountId);
      expect(received).toEqual([]);
      await jira.webhooks.deliverPending({ order: 'reverse', duplicate: true, drop: [1] });
      jira.webhooks.resume();
      const summaries = received.map((delivery) => ((delivery.body.issue as { fields: { summary: string } }).fields.summary));
      expect(summaries).toEqual(['three', 'three', 'one', 'one']);
      expect(received[1].headers['x-atlassian-webhook-identifier']).toBe(received[0].headers['x-atlassian-webhook-identifier']);
      expect(received[1].headers['x-atlassian-webhook-retry']).toBe('1');
      expect(received[0].headers['x-atlassian-webhook-retry']).toBeUndefined();
    });
  });

  describe('OAuth 2.0 (3LO)', () => {
    it('rotates the refresh token on every refresh, and a stale one revokes the whole grant', async () => {
      const issued = jira.issueTokens();
      const first = await token({ grant_type: 'refresh_token', refresh_token: issued.refreshToken });
      expect(first.status).toBe(200);
      expect(first.body.refresh_token).not.toBe(issued.refreshToken);
      const stale = await token({ grant_type: 'refresh_token', refresh_token: issued.refreshToken });
      expect(stale).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
      expect((await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token })).status).toBe(403);
      const revoked = new Version3Client({ host: jira.siteApiBase(), authentication: { oauth2: { accessToken: first.body.access_token } } });
      await expect(revoked.myself.getCurrentUser()).rejects.toMatchObject({ status: 401 });
    });

    it('consents through /authorize, exchanges the code, lists accessible sites; access tokens expire', async () => {
      const authorize = new URL(`${jira.authBaseUrl}/authorize`);
      const params = { audience: 'api.atlassian.com', client_id: jira.oauthClient.clientId, scope: 'read:jira-work offline_access', redirect_uri: 'http://127.0.0.1:1/callback', state: 'abc', response_type: 'code', prompt: 'consent' };
      for (const [name, value] of Object.entries(params)) authorize.searchParams.set(name, value);
      const redirect = await fetch(authorize, { redirect: 'manual' });
      const back = new URL(redirect.headers.get('location')!);
      expect(back.searchParams.get('state')).toBe('abc');
      const exchanged = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: params.redirect_uri });
      expect(exchanged.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:jira-work offline_access', refresh_token: expect.any(String) });
      const resources = await fetch(`${jira.apiBaseUrl}/oauth/token/accessible-resources`, { headers: { authorization: `Bearer ${exchanged.body.access_token}` } });
      expect(await resources.json()).toEqual([{ id: jira.site.cloudId, url: 'https://acme.atlassian.net', name: 'acme', scopes: ['read:jira-work'], avatarUrl: expect.any(String) }]);
      const scoped = new Version3Client({ host: jira.siteApiBase(), authentication: { oauth2: { accessToken: exchanged.body.access_token } } });
      await expect(scoped.webhooks.getDynamicWebhooksForApp()).rejects.toMatchObject({ status: 401 });
      jira.clock.advance(3601 * 1000);
      await expect(scoped.issues.getIssue({ issueIdOrKey: 'DEMO-1' })).rejects.toMatchObject({ status: 401 });
    });
  });

  it('lags search behind writes when asked to, as Jira\'s index does, except for reconcileIssues', async () => {
    const lagging = await startJiraCloudSimulator({ searchLagMs: 60_000, issuesPerProject: 2 });
    try {
      const search = new Version3Client({ host: lagging.siteApiBase(), authentication: { oauth2: { accessToken: lagging.issueTokens().accessToken } } });
      const summaries = async (reconcileIssues?: number[]) =>
        (await search.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'project = DEMO ORDER BY key ASC', fields: ['summary'], reconcileIssues })).issues!.map((issue) => issue.fields.summary);
      lagging.clock.advance(61_000);
      const [first] = await summaries();
      lagging.site.editIssue('DEMO-1', { summary: 'renamed' }, {}, lagging.people[0].accountId);
      const created = lagging.site.createIssue({ project: { key: 'DEMO' }, summary: 'brand new', issuetype: { name: 'Task' } }, lagging.people[0].accountId);
      expect(await summaries()).toEqual([first, expect.any(String)]);
      expect(await summaries([Number(lagging.site.issue('DEMO-1').id), Number(created.id)])).toEqual(['renamed', expect.any(String), 'brand new']);
      lagging.clock.advance(61_000);
      expect(await summaries()).toEqual(['renamed', expect.any(String), 'brand new']);
    } finally {
      await lagging.stop();
    }
  });

  it('scripts 429 with Retry-After and X-RateLimit headers, 5xx and dropped connections; enforces a request rate', async () => {
    jira.failNext({ method: 'GET', path: /\/issue\/DEMO-1$/ }, { status: 429, retryAfter: '7', rateLimitReset: '2026-12-01T10:00:00Z' }, { status: 503 }, { resetConnection: true });
    const rateLimited = (await client.issues.getIssue({ issueIdOrKey: 'DEMO-1' }).catch((caught: unknown) => caught)) as { status: number; cause: { response: { headers: Record<string, string> } } };
    expect(rateLimited.status).toBe(429);
    expect(rateLimited.cause.response.headers).toMatchObject({ 'retry-after': '7', 'x-ratelimit-reset': '2026-12-01T10:00:00Z', 'x-arequestid': expect.any(String) });
    await expect(client.issues.getIssue({ issueIdOrKey: 'DEMO-1' })).rejects.toMatchObject({ status: 503 });
    await expect(client.issues.getIssue({ issueIdOrKey: 'DEMO-1' })).rejects.toMatchObject({ code: 'ECONNRESET' });
    jira.rateLimit.enable(5);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => client.serverInfo.getServerInfo()));
    jira.rateLimit.disable();
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason.status)).toEqual([429, 429, 429]);
  });
});
