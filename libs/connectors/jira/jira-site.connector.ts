import { AsyncLocalStorage } from 'node:async_hooks';
import { Version3Client, type Version3Models } from 'jira.js';
import { abortReasonOr, outsideCallSignal } from '../outside-call-cancellation';
import { jiraApiError } from './jira-errors';
import { answeredHeadersOf, headerOf, jiraHttpFailureOf } from './jira-http-failure';
import { JiraRequestPacer } from './jira-request-pacer';
import type { JiraTokenSource } from './jira-token-source';

/** Every call reports Jira's request id (x-arequestid) for the audit trail, beside what Jira answered. */
export interface JiraResponse<T> {
  data: T;
  requestId: string | null;
}

/**
 * An Atlassian Document Format document. Descriptions and comments are always sent as ADF: given a plain
 * string, jira.js's editIssue first GETs the issue to read its ADF version, an extra request per edit.
 */
export type JiraDocument = Version3Models.Document;

/** The issue fields the sync writes, in Jira's reference shapes ({ id } or { name }, { accountId }). */
export interface JiraIssueFields {
  project?: { key: string } | { id: string };
  summary?: string;
  description?: JiraDocument | null;
  issuetype?: { id: string } | { name: string };
  priority?: { id: string } | { name: string };
  assignee?: { accountId: string } | null;
  labels?: string[];
}

export interface JiraSearchPage {
  issues: Version3Models.Issue[];
  /** Absent on the last page (Jira Cloud leaves the key out there). */
  nextPageToken: string | null;
}

export interface JiraSiteOptions {
  /** The site's REST base: https://api.atlassian.com/ex/jira/{cloudId}, or the simulator's. */
  host: string;
  tokens: JiraTokenSource;
}

/** A hung connection fails the attempt (retryable) well inside any activity timeout. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The Jira Cloud REST v3 calls a sync makes on one site, through the real jira.js Version3Client. The client
 * gets `host` and an OAuth 2.0 access token only: given a refresh token, cloudId or siteUrl, jira.js's own
 * refresher would take over, ignore `host` and call Atlassian directly. Retries belong to the Temporal
 * activity's retry policy (jira.js makes none); the connector only maps failures to JiraConnectorError — except
 * a 401, which means the access token was refused before Jira did anything: the connector drops that token and
 * tries exactly once more with a refreshed one. Requests are paced to the site's burst limit (JiraRequestPacer).
 */
export class JiraSite {
  /** Building a Version3Client costs about a millisecond (config validation), so one is kept per access token. */
  private client: { token: string; client: ResponseHeaderClient } | undefined;
  /** Within Jira's burst limit for this site, as far as this process's requests go. */
  private readonly pacer = new JiraRequestPacer();

  constructor(private readonly options: JiraSiteOptions) {}

  /** The app's own account (3LO acts as the consenting user): its accountId marks Custodian's own writes. */
  myself(): Promise<JiraResponse<Version3Models.User>> {
    return this.call('myself', (client) => client.myself.getCurrentUser());
  }

  serverInfo(): Promise<JiraResponse<Version3Models.ServerInformation>> {
    return this.call('serverInfo', (client) => client.serverInfo.getServerInfo());
  }

  /** Users whose email (or name) starts with `query`: assignee mapping by email. Needs read:jira-user. */
  findUsers(query: string): Promise<JiraResponse<Version3Models.User[]>> {
    return this.call('user search', (client) => client.userSearch.findUsers({ query, maxResults: 10 }));
  }

  /** One page of POST /rest/api/3/search/jql (the JQL stays out of the URL, however long). */
  async searchIssues(query: { jql: string; nextPageToken?: string | null; maxResults?: number; fields?: string[]; properties?: string[]; expand?: string }): Promise<JiraResponse<JiraSearchPage>> {
    const { data, requestId } = await this.call('search/jql', (client) =>
      client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
        jql: query.jql,
        nextPageToken: query.nextPageToken ?? undefined,
        maxResults: query.maxResults,
        fields: query.fields,
        properties: query.properties,
        expand: query.expand,
      }),
    );
    return { data: { issues: data.issues ?? [], nextPageToken: data.nextPageToken ?? null }, requestId };
  }

  getIssue(issueKey: string, options: { fields?: string[]; properties?: string[]; expand?: string } = {}): Promise<JiraResponse<Version3Models.Issue>> {
    return this.call('issue get', (client) => client.issues.getIssue({ issueIdOrKey: issueKey, fields: options.fields, properties: options.properties, expand: options.expand }));
  }

  /** Creates an issue; `properties` are set in the same request (how a retried create finds its first attempt). */
  createIssue(fields: JiraIssueFields, properties: { key: string; value: unknown }[] = []): Promise<JiraResponse<Version3Models.CreatedIssue>> {
    return this.call('issue create', (client) => client.issues.createIssue({ fields: fields as never, properties: properties as never }));
  }

  async editIssue(issueKey: string, fields: JiraIssueFields): Promise<JiraResponse<void>> {
    const { requestId } = await this.call('issue edit', (client) => client.issues.editIssue({ issueIdOrKey: issueKey, fields: fields as never }));
    return { data: undefined, requestId };
  }

  getTransitions(issueKey: string): Promise<JiraResponse<Version3Models.Transitions>> {
    return this.call('transitions get', (client) => client.issues.getTransitions({ issueIdOrKey: issueKey }));
  }

  async transitionIssue(issueKey: string, transitionId: string): Promise<JiraResponse<void>> {
    const { requestId } = await this.call('transition', (client) => client.issues.doTransition({ issueIdOrKey: issueKey, transition: { id: transitionId } }));
    return { data: undefined, requestId };
  }

  getComments(issueKey: string, page: { startAt?: number; maxResults?: number } = {}): Promise<JiraResponse<Version3Models.PageOfComments>> {
    return this.call('comments get', (client) => client.issueComments.getComments({ issueIdOrKey: issueKey, startAt: page.startAt, maxResults: page.maxResults }));
  }

  addComment(issueKey: string, body: JiraDocument): Promise<JiraResponse<Version3Models.Comment>> {
    return this.call('comment add', (client) => client.issueComments.addComment({ issueIdOrKey: issueKey, comment: body }));
  }

  updateComment(issueKey: string, commentId: string, body: JiraDocument): Promise<JiraResponse<Version3Models.Comment>> {
    return this.call('comment update', (client) => client.issueComments.updateComment({ issueIdOrKey: issueKey, id: commentId, body }));
  }

  async deleteComment(issueKey: string, commentId: string): Promise<JiraResponse<void>> {
    const { requestId } = await this.call('comment delete', (client) => client.issueComments.deleteComment({ issueIdOrKey: issueKey, id: commentId }));
    return { data: undefined, requestId };
  }

  getChangelog(issueKey: string, page: { startAt?: number; maxResults?: number } = {}): Promise<JiraResponse<Version3Models.PageChangelog>> {
    return this.call('changelog get', (client) => client.issues.getChangeLogs({ issueIdOrKey: issueKey, startAt: page.startAt, maxResults: page.maxResults }));
  }

  /**
   * Uploads one attachment as Jira wants it: multipart/form-data, part `file`, X-Atlassian-Token: no-check. Built
   * here and sent through the same jira.js client because jira.js 5.4.0's addAttachment loads 'stream' through a
   * dynamic import() that a CommonJS VM without ESM support (jest) refuses.
   */
  addAttachment(issueKey: string, file: { filename: string; mimeType: string; content: Buffer }): Promise<JiraResponse<Version3Models.Attachment[]>> {
    return this.call('attachment add', (client) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(file.content)], { type: file.mimeType }), file.filename);
      return client.sendRequest<Version3Models.Attachment[]>(
        { url: `/rest/api/3/issue/${encodeURIComponent(issueKey)}/attachments`, method: 'POST', headers: { 'X-Atlassian-Token': 'no-check' }, data: form, maxBodyLength: Infinity },
        undefined as never,
      );
    });
  }

  async getAttachmentContent(attachmentId: string): Promise<JiraResponse<Buffer>> {
    const { data, requestId } = await this.call('attachment content', (client) => client.issueAttachments.getAttachmentContent<ArrayBuffer>({ id: attachmentId, redirect: false }));
    return { data: Buffer.from(data), requestId };
  }

  async deleteAttachment(attachmentId: string): Promise<JiraResponse<void>> {
    const { requestId } = await this.call('attachment delete', (client) => client.issueAttachments.removeAttachment({ id: attachmentId }));
    return { data: undefined, requestId };
  }

  /** The property's value; JiraNotFound when the issue or the property does not exist. */
  async getIssueProperty(issueKey: string, propertyKey: string): Promise<JiraResponse<unknown>> {
    const { data, requestId } = await this.call('issue property get', (client) => client.issueProperties.getIssueProperty({ issueIdOrKey: issueKey, propertyKey }));
    return { data: data.value, requestId };
  }

  async setIssueProperty(issueKey: string, propertyKey: string, value: unknown): Promise<JiraResponse<void>> {
    const { requestId } = await this.call('issue property set', (client) => client.issueProperties.setIssueProperty({ issueIdOrKey: issueKey, propertyKey, propertyValue: value }));
    return { data: undefined, requestId };
  }

  async deleteIssueProperty(issueKey: string, propertyKey: string): Promise<JiraResponse<void>> {
    const { requestId } = await this.call('issue property delete', (client) => client.issueProperties.deleteIssueProperty({ issueIdOrKey: issueKey, propertyKey }));
    return { data: undefined, requestId };
  }

  /** Dynamic webhooks (30-day life): one result per definition, with the new id or Jira's errors. */
  registerWebhooks(url: string, webhooks: { events: string[]; jqlFilter: string; fieldIdsFilter?: string[] }[]): Promise<JiraResponse<Version3Models.ContainerForRegisteredWebhooks>> {
    return this.call('webhook register', (client) => client.webhooks.registerDynamicWebhooks({ url, webhooks }));
  }

  listWebhooks(page: { startAt?: number; maxResults?: number } = {}): Promise<JiraResponse<Version3Models.PageWebhook>> {
    return this.call('webhook list', (client) => client.webhooks.getDynamicWebhooksForApp(page));
  }

  /** Extends the webhooks' life to 30 days from now; the new expiry (epoch milliseconds). */
  refreshWebhooks(webhookIds: number[]): Promise<JiraResponse<Version3Models.WebhooksExpirationDate>> {
    return this.call('webhook refresh', (client) => client.webhooks.refreshWebhooks({ webhookIds }));
  }

  async deleteWebhooks(webhookIds: number[]): Promise<JiraResponse<void>> {
    const { requestId } = await this.call('webhook delete', (client) => client.webhooks.deleteWebhookById({ webhookIds }));
    return { data: undefined, requestId };
  }

  /** One Jira request, with at most one more after a 401. */
  private async call<T>(operation: string, request: (client: ResponseHeaderClient) => Promise<T>): Promise<JiraResponse<T>> {
    const tokensUsed: string[] = [];
    for (;;) {
      const token = await this.options.tokens.accessToken();
      tokensUsed.push(token);
      const heard: HeardResponse = {};
      await this.pacer.turn(outsideCallSignal()).catch((error: unknown) => {
        throw abortReasonOr(error);
      });
      try {
        const data = await lastResponse.run(heard, () => request(this.clientFor(token)));
        this.pacer.heard(heard.headers);
        return { data, requestId: headerOf(heard.headers, 'x-arequestid') ?? null };
      } catch (error) {
        this.pacer.heard(answeredHeadersOf(error));
        if (outsideCallSignal()?.aborted) throw abortReasonOr(error);
        const failure = jiraHttpFailureOf(error);
        if (!failure) throw error;
        if (failure.status === 401 && tokensUsed.length === 1) {
          this.options.tokens.invalidate(token);
          continue;
        }
        throw jiraApiError(operation, failure, tokensUsed);
      }
    }
  }

  private clientFor(token: string): ResponseHeaderClient {
    if (this.client?.token !== token) {
      this.client = { token, client: new ResponseHeaderClient({ host: this.options.host, authentication: { oauth2: { accessToken: token } }, baseRequestConfig: { timeout: REQUEST_TIMEOUT_MS } }) };
    }
    return this.client.client;
  }
}

interface HeardResponse {
  headers?: unknown;
}

/** The headers of the answer to the call in progress (jira.js returns only the body); per async call chain. */
const lastResponse = new AsyncLocalStorage<HeardResponse>();

class ResponseHeaderClient extends Version3Client {
  override async sendRequestFullResponse<T>(requestConfig: Parameters<Version3Client['sendRequestFullResponse']>[0]) {
    const response = await super.sendRequestFullResponse<T>({ ...requestConfig, signal: outsideCallSignal() ?? requestConfig.signal });
    const heard = lastResponse.getStore();
    if (heard) heard.headers = response.headers;
    return response;
  }
}
