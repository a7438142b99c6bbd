import type { ServerResponse } from 'node:http';
import { jiraErrorBody, gatewayUnauthorizedBody } from './jira-error-bodies';
import { sendJson, type JiraExchange } from './jira-exchange';
import type { JiraResources } from './jira-resources';
import { multipartFiles } from './multipart-form';
import type { SimulatedAtlassianGrant } from './simulated-atlassian-oauth';
import { jiraTime } from './simulated-clock';
import { JiraRefusal, type SimulatedJiraSite } from './simulated-jira-site';
import type { SimulatedJiraWebhooks } from './simulated-jira-webhooks';
import { JqlError, parseJql } from './simulated-jql';

const API = '/rest/api/3';
/** Jira returns at most 100 issues a page with fields, 5000 with ids (and keys) only. */
const SEARCH_PAGE_MAX = 100;
const SEARCH_PAGE_MAX_IDS = 5000;

/** What one REST request is served with: the site named in the URL and the grant behind the bearer token. */
export interface RestContext {
  site: SimulatedJiraSite;
  grant: SimulatedAtlassianGrant;
  resources: JiraResources;
  webhooks: SimulatedJiraWebhooks;
  now: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  scope: string | null;
  serve: (context: RestContext, exchange: JiraExchange, response: ServerResponse, params: string[]) => void;
}

/**
 * The REST v3 operations a sync uses, with Jira's bodies, status codes and error collections. Each route
 * names the 3LO scope it needs; a token without it gets the gateway's 401 "scope does not match", as
 * Atlassian answers.
 */
const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/myself$/, scope: 'read:jira-user', serve: (c, _e, r) => sendJson(r, 200, { ...c.resources.userResource(c.grant.accountId), groups: { size: 1, items: [] }, applicationRoles: { size: 1, items: [] } }) },
  {
    method: 'GET',
    pattern: /^\/serverInfo$/,
    scope: null,
    serve: (c, _e, r) =>
      sendJson(r, 200, {
        baseUrl: c.site.url,
        displayUrl: c.site.url,
        version: '1001.0.0-SNAPSHOT',
        versionNumbers: [1001, 0, 0],
        deploymentType: 'Cloud',
        buildNumber: 100295,
        buildDate: '2026-11-28T00:00:00.000+0000',
        serverTime: jiraTime(c.now),
        scmInfo: 'c9e3f5a0d8b74f0b9c6fbc0a3b9e5b1b0d6e7a21',
        serverTitle: c.site.name,
        defaultLocale: { locale: 'en_US' },
        serverTimeZone: 'Etc/UTC',
      }),
  },
  {
    method: 'GET',
    pattern: /^\/user\/search$/,
    scope: 'read:jira-user',
    serve: (c, e, r) => {
      const query = (e.query.get('query') ?? '').toLowerCase();
      const accountId = e.query.get('accountId');
      const found = [...c.site.users.values()].filter((user) => (accountId ? user.accountId === accountId : query !== '' && (user.emailAddress.toLowerCase().startsWith(query) || user.displayName.toLowerCase().includes(query))));
      sendJson(r, 200, found.map((user) => c.resources.userResource(user.accountId)));
    },
  },
  { method: 'GET', pattern: /^\/search\/jql$/, scope: 'read:jira-work', serve: (c, e, r) => search(c, r, { jql: e.query.get('jql'), nextPageToken: e.query.get('nextPageToken'), maxResults: e.query.get('maxResults'), fields: e.query.get('fields'), expand: e.query.get('expand'), properties: e.query.get('properties'), reconcileIssues: e.query.get('reconcileIssues') }) },
  { method: 'POST', pattern: /^\/search\/jql$/, scope: 'read:jira-work', serve: (c, e, r) => search(c, r, e.body ?? {}) },
  {
    method: 'POST',
    pattern: /^\/issue$/,
    scope: 'write:jira-work',
    serve: (c, e, r) => {
      const body = e.body ?? {};
      const properties = Array.isArray(body.properties) ? (body.properties as { key: string; value: unknown }[]) : [];
      const issue = c.site.createIssue((body.fields as Record<string, unknown>) ?? {}, c.grant.accountId, properties);
      sendJson(r, 201, { id: issue.id, key: issue.key, self: `${selfBase(c)}/issue/${issue.id}` });
    },
  },
  {
    method: 'GET',
    pattern: /^\/issue\/([^/]+)$/,
    scope: 'read:jira-work',
    serve: (c, e, r, [key]) => sendJson(r, 200, c.resources.issueResource(c.site.issue(key), { fields: list(e.query.get('fields')), expand: list(e.query.get('expand')), properties: list(e.query.get('properties')) })),
  },
  {
    method: 'PUT',
    pattern: /^\/issue\/([^/]+)$/,
    scope: 'write:jira-work',
    serve: (c, e, r, [key]) => {
      // Jira lets only administrators edit without notifying watchers; the app account is not one.
      if (e.query.get('notifyUsers') === 'false') throw new JiraRefusal(403, ['To discard the user notification either admin or project admin permissions are required.']);
      c.site.editIssue(key, (e.body?.fields as Record<string, unknown>) ?? {}, (e.body?.update as Record<string, unknown>) ?? {}, c.grant.accountId);
      sendJson(r, 204);
    },
  },
  {
    method: 'GET',
    pattern: /^\/issue\/([^/]+)\/transitions$/,
    scope: 'read:jira-work',
    serve: (c, _e, r, [key]) => sendJson(r, 200, { expand: 'transitions', transitions: c.site.transitionsOf(key).map((status) => c.resources.transitionResource(status)) }),
  },
  {
    method: 'POST',
    pattern: /^\/issue\/([^/]+)\/transitions$/,
    scope: 'write:jira-work',
    serve: (c, e, r, [key]) => {
      const id = (e.body?.transition as { id?: unknown } | undefined)?.id;
      if (id === undefined) throw new JiraRefusal(400, ['Missing transition id.']);
      c.site.transition(key, String(id), c.grant.accountId);
      sendJson(r, 204);
    },
  },
  {
    method: 'GET',
    pattern: /^\/issue\/([^/]+)\/comment$/,
    scope: 'read:jira-work',
    serve: (c, e, r, [key]) => {
      const issue = c.site.issue(key);
      const { startAt, maxResults } = paging(e, 100, 5000);
      const ordered = e.query.get('orderBy')?.startsWith('-') ? [...issue.comments].reverse() : issue.comments;
      sendJson(r, 200, { startAt, maxResults, total: issue.comments.length, comments: ordered.slice(startAt, startAt + maxResults).map((comment) => c.resources.commentResource(issue, comment)) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/issue\/([^/]+)\/comment$/,
    scope: 'write:jira-work',
    serve: (c, e, r, [key]) => {
      const comment = c.site.addComment(key, e.body?.body, c.grant.accountId);
      sendJson(r, 201, c.resources.commentResource(c.site.issue(key), comment));
    },
  },
  {
    method: 'GET',
    pattern: /^\/issue\/([^/]+)\/comment\/([^/]+)$/,
    scope: 'read:jira-work',
    serve: (c, _e, r, [key, id]) => {
      const issue = c.site.issue(key);
      const comment = issue.comments.find((candidate) => candidate.id === id);
      if (!comment) throw new JiraRefusal(404, [`Can not find a comment for the id: ${id}.`]);
      sendJson(r, 200, c.resources.commentResource(issue, comment));
    },
  },
  {
    method: 'PUT',
    pattern: /^\/issue\/([^/]+)\/comment\/([^/]+)$/,
    scope: 'write:jira-work',
    serve: (c, e, r, [key, id]) => {
      const comment = c.site.updateComment(key, id, e.body?.body, c.grant.accountId);
      sendJson(r, 200, c.resources.commentResource(c.site.issue(key), comment));
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/issue\/([^/]+)\/comment\/([^/]+)$/,
    scope: 'write:jira-work',
    serve: (c, _e, r, [key, id]) => {
      c.site.deleteComment(key, id, c.grant.accountId);
      sendJson(r, 204);
    },
  },
  {
    method: 'GET',
    pattern: /^\/issue\/([^/]+)\/changelog$/,
    scope: 'read:jira-work',
    serve: (c, e, r, [key]) => {
      const issue = c.site.issue(key);
      const { startAt, maxResults } = paging(e, 100, 100);
      const values = issue.changelog.slice(startAt, startAt + maxResults).map((entry) => c.resources.changelogResource(entry));
      const isLast = startAt + maxResults >= issue.changelog.length;
      const self = `${selfBase(c)}/issue/${key}/changelog`;
      sendJson(r, 200, { self: `${self}?maxResults=${maxResults}&startAt=${startAt}`, ...(isLast ? {} : { nextPage: `${self}?maxResults=${maxResults}&startAt=${startAt + maxResults}` }), maxResults, startAt, total: issue.changelog.length, isLast, values });
    },
  },
  {
    method: 'POST',
    pattern: /^\/issue\/([^/]+)\/attachments$/,
    scope: 'write:jira-work',
    serve: (c, e, r, [key]) => {
      if (String(e.headers['x-atlassian-token'] ?? '').toLowerCase() !== 'no-check') {
        throw new JiraRefusal(403, ['XSRF check failed']);
      }
      const files = multipartFiles(e.headers['content-type'], e.raw)?.filter((file) => file.field === 'file');
      if (!files || files.length === 0) throw new JiraRefusal(400, ["The multipart body must carry the attachments in the 'file' part."]);
      const attachments = c.site.addAttachments(key, files.map(({ filename, mimeType, content }) => ({ filename, mimeType, content })), c.grant.accountId);
      sendJson(r, 200, attachments.map((attachment) => c.resources.attachmentResource(attachment)));
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/attachment\/([^/]+)$/,
    scope: 'write:jira-work',
    serve: (c, _e, r, [id]) => {
      c.site.deleteAttachment(id, c.grant.accountId);
      sendJson(r, 204);
    },
  },
  {
    method: 'GET',
    pattern: /^\/attachment\/content\/([^/]+)$/,
    scope: 'read:jira-work',
    serve: (c, _e, r, [id]) => {
      const attachment = c.site.attachment(id);
      if (!attachment) throw new JiraRefusal(404, ['The attachment does not exist.']);
      r.statusCode = 200;
      r.setHeader('content-type', attachment.mimeType);
      r.setHeader('content-disposition', `attachment; filename="${attachment.filename}"`);
      r.end(attachment.content);
    },
  },
  {
    method: 'GET',
    pattern: /^\/issue\/([^/]+)\/properties\/([^/]+)$/,
    scope: 'read:jira-work',
    serve: (c, _e, r, [key, propertyKey]) => {
      const issue = c.site.issue(key);
      if (!issue.properties.has(propertyKey)) throw new JiraRefusal(404, [`The property with key '${propertyKey}' does not exist.`]);
      sendJson(r, 200, { key: propertyKey, value: issue.properties.get(propertyKey) });
    },
  },
  {
    method: 'PUT',
    pattern: /^\/issue\/([^/]+)\/properties\/([^/]+)$/,
    scope: 'write:jira-work',
    serve: (c, e, r, [key, propertyKey]) => {
      if (e.json === undefined) throw new JiraRefusal(400, ['The property value must be valid JSON.']);
      sendJson(r, c.site.setProperty(key, propertyKey, e.json, c.grant.accountId));
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/issue\/([^/]+)\/properties\/([^/]+)$/,
    scope: 'write:jira-work',
    serve: (c, _e, r, [key, propertyKey]) => {
      c.site.deleteProperty(key, propertyKey, c.grant.accountId);
      sendJson(r, 204);
    },
  },
  {
    method: 'POST',
    pattern: /^\/webhook$/,
    scope: 'manage:jira-webhook',
    serve: (c, e, r) => sendJson(r, 200, { webhookRegistrationResult: c.webhooks.register(c.site, c.grant.accountId, e.body?.url, e.body?.webhooks) }),
  },
  {
    method: 'GET',
    pattern: /^\/webhook$/,
    scope: 'manage:jira-webhook',
    serve: (c, e, r) => {
      const all = c.webhooks.of(c.site.cloudId, c.grant.accountId);
      const { startAt, maxResults } = paging(e, 100, 100);
      const values = all.slice(startAt, startAt + maxResults).map(({ id, jqlFilter, fieldIdsFilter, events, expirationDate, url }) => ({ id, jqlFilter, ...(fieldIdsFilter ? { fieldIdsFilter } : {}), events, expirationDate, url }));
      sendJson(r, 200, { startAt, maxResults, total: all.length, isLast: startAt + maxResults >= all.length, values });
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/webhook$/,
    scope: 'manage:jira-webhook',
    serve: (c, e, r) => {
      c.webhooks.delete(c.site.cloudId, c.grant.accountId, e.body?.webhookIds);
      sendJson(r, 202);
    },
  },
  {
    method: 'PUT',
    pattern: /^\/webhook\/refresh$/,
    scope: 'manage:jira-webhook',
    serve: (c, e, r) => sendJson(r, 200, { expirationDate: c.webhooks.refresh(c.site.cloudId, c.grant.accountId, e.body?.webhookIds) }),
  },
];

/** Serves a REST v3 path (already stripped of /ex/jira/{cloudId}); false when no route exists. */
export function serveJiraRest(context: RestContext, exchange: JiraExchange, response: ServerResponse, path: string): boolean {
  if (!path.startsWith(API)) return false;
  const rest = path.slice(API.length);
  const route = ROUTES.find((candidate) => candidate.method === exchange.method && candidate.pattern.test(rest));
  if (!route) return false;
  if (route.scope && !context.grant.scopes.includes(route.scope)) {
    sendJson(response, 401, { ...gatewayUnauthorizedBody(), message: 'Unauthorized; scope does not match' });
    return true;
  }
  const params = route.pattern.exec(rest)!.slice(1).map(decodeURIComponent);
  try {
    route.serve(context, exchange, response, params);
  } catch (error) {
    if (error instanceof JiraRefusal) sendJson(response, error.status, jiraErrorBody(error.errorMessages, error.errors));
    else if (error instanceof JqlError) sendJson(response, 400, jiraErrorBody([error.message]));
    else throw error;
  }
  return true;
}

function search(context: RestContext, response: ServerResponse, input: Record<string, unknown>): void {
  const jql = typeof input.jql === 'string' ? input.jql : '';
  const parsed = parseJql(jql, (accountId) => context.site.users.get(accountId));
  // The enhanced search returns only ids unless asked for fields.
  const fields = listOf(input.fields) ?? ['id'];
  const idsOnly = fields.every((field) => field === 'id' || field === 'key');
  const maxResults = Math.min(idsOnly ? SEARCH_PAGE_MAX_IDS : SEARCH_PAGE_MAX, Math.max(1, Number(input.maxResults ?? 50) || 50));
  let offset = 0;
  if (typeof input.nextPageToken === 'string' && input.nextPageToken !== '') {
    const token = decodePageToken(input.nextPageToken);
    if (!token || token.jql !== jql) throw new JiraRefusal(400, ['The provided next page token is invalid or expired.']);
    offset = token.offset;
  }
  const matching = context.site.searchable(listOf(input.reconcileIssues)).filter((issue) => parsed.matches(issue)).sort(parsed.compare);
  const page = matching.slice(offset, offset + maxResults);
  const isLast = offset + maxResults >= matching.length;
  const options = { fields, expand: listOf(input.expand), properties: listOf(input.properties) };
  sendJson(response, 200, {
    issues: page.map((issue) => (idsOnly ? { id: issue.id, ...(fields.includes('key') ? { key: issue.key } : {}) } : context.resources.issueResource(issue, options))),
    // As on Jira Cloud, the last page carries no nextPageToken at all.
    ...(isLast ? {} : { nextPageToken: Buffer.from(JSON.stringify({ jql, offset: offset + maxResults })).toString('base64url') }),
    isLast,
  });
}

function decodePageToken(token: string): { jql: string; offset: number } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { jql?: unknown; offset?: unknown };
    return typeof parsed.jql === 'string' && Number.isInteger(parsed.offset) ? { jql: parsed.jql, offset: parsed.offset as number } : undefined;
  } catch {
    return undefined;
  }
}

function paging(exchange: JiraExchange, fallback: number, max: number): { startAt: number; maxResults: number } {
  const startAt = Math.max(0, Number(exchange.query.get('startAt') ?? 0) || 0);
  const maxResults = Math.min(max, Math.max(1, Number(exchange.query.get('maxResults') ?? fallback) || fallback));
  return { startAt, maxResults };
}

function list(value: string | null): string[] | undefined {
  return value ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : undefined;
}

function listOf(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? list(value) : undefined;
}

function selfBase(context: RestContext): string {
  return `${context.resources.apiBase}${API}`;
}
