import { createHmac, randomUUID } from 'node:crypto';
import type { JiraResources } from './jira-resources';
import type { SimulatedClock } from './simulated-clock';
import type { SimulatedJiraSite, SiteEvent } from './simulated-jira-site';
import { JqlError, parseJql, type ParsedJql } from './simulated-jql';

/** Dynamic webhooks registered through REST live 30 days unless refreshed. */
export const WEBHOOK_LIFETIME_MS = 30 * 24 * 3600 * 1000;
const EVENTS = new Set(['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created', 'comment_updated', 'comment_deleted', 'issue_property_set', 'issue_property_deleted']);
/** Atlassian retries a delivery answered with these (and timeouts / connection failures). */
const RETRIED_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

export interface RegisteredJiraWebhook {
  id: number;
  cloudId: string;
  ownerAccountId: string;
  url: string;
  events: string[];
  jqlFilter: string;
  fieldIdsFilter?: string[];
  expirationDate: number;
  matcher: ParsedJql;
}

/** One delivery as Atlassian sends it: the body is the issue as it was when the event happened. */
export interface WebhookDelivery {
  identifier: string;
  cloudId: string;
  url: string;
  body: string;
  event: SiteEvent['webhookEvent'];
  issueKey: string;
  /** How often this delivery was already retried (X-Atlassian-Webhook-Retry). */
  retries: number;
}

export interface DeliveryOutcome {
  identifier: string;
  issueKey: string;
  event: string;
  retries: number;
  status?: number;
  error?: string;
}

/**
 * Jira's dynamic webhooks for OAuth 2.0 apps: registration (per site and the app's account, a JQL filter, 30-day expiry,
 * refresh, delete) and delivery of each matching event to the registered URL, one POST per URL with
 * matchedWebhookIds, X-Atlassian-Webhook-Identifier (stable across retries), X-Atlassian-Webhook-Retry on
 * retries, and an Authorization bearer JWT (HS256) signed with the app's client secret — Atlassian documents
 * the signature but not its claims, so the claims here (iss = cloudId, iat, exp) are an assumption.
 * Deliveries go out at once (retried like Atlassian, on 408/409/425/429/5xx and connection failures), or are
 * held so a test can deliver them late, twice, out of order or never.
 */
export class SimulatedJiraWebhooks {
  readonly registered: RegisteredJiraWebhook[] = [];
  /** Held deliveries, in the order the events happened. */
  readonly pending: WebhookDelivery[] = [];
  readonly outcomes: DeliveryOutcome[] = [];
  private holding = false;
  private nextId = 1;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly clock: SimulatedClock,
    private readonly clientSecret: string,
    private readonly resources: (site: SimulatedJiraSite) => JiraResources,
    private readonly retry: { maxRetries: number; delayMs: number },
  ) {}

  register(site: SimulatedJiraSite, ownerAccountId: string, url: unknown, webhooks: unknown): { createdWebhookId?: number; errors?: string[] }[] {
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return [{ errors: ['The webhook URL must be an http(s) URL.'] }];
    if (!Array.isArray(webhooks)) return [{ errors: ['webhooks must be a list.'] }];
    return webhooks.map((details: { events?: unknown; jqlFilter?: unknown; fieldIdsFilter?: unknown }) => {
      const events = Array.isArray(details.events) ? details.events.map(String) : [];
      const unknown = events.filter((event) => !EVENTS.has(event));
      if (events.length === 0 || unknown.length > 0) return { errors: [`Invalid events: ${unknown.join(', ') || '(none)'}`] };
      if (typeof details.jqlFilter !== 'string' || details.jqlFilter.trim() === '') return { errors: ['The JQL filter is required.'] };
      let matcher: ParsedJql;
      try {
        matcher = parseJql(details.jqlFilter, (accountId) => site.users.get(accountId));
      } catch (error) {
        if (!(error instanceof JqlError)) throw error;
        return { errors: [`Invalid JQL filter: ${error.message}`] };
      }
      const webhook: RegisteredJiraWebhook = {
        id: this.nextId++,
        cloudId: site.cloudId,
        ownerAccountId,
        url,
        events,
        jqlFilter: details.jqlFilter,
        fieldIdsFilter: Array.isArray(details.fieldIdsFilter) ? details.fieldIdsFilter.map(String) : undefined,
        expirationDate: this.clock.now() + WEBHOOK_LIFETIME_MS,
        matcher,
      };
      this.registered.push(webhook);
      return { createdWebhookId: webhook.id };
    });
  }

  /** The app's webhooks on a site (GET /rest/api/3/webhook lists only the caller's). */
  of(cloudId: string, ownerAccountId: string): RegisteredJiraWebhook[] {
    return this.registered.filter((webhook) => webhook.cloudId === cloudId && webhook.ownerAccountId === ownerAccountId);
  }

  /** Unknown ids, and ids of other apps, are ignored, as in Jira. */
  refresh(cloudId: string, ownerAccountId: string, ids: unknown): number {
    const expirationDate = this.clock.now() + WEBHOOK_LIFETIME_MS;
    for (const webhook of this.of(cloudId, ownerAccountId)) if (Array.isArray(ids) && ids.map(Number).includes(webhook.id)) webhook.expirationDate = expirationDate;
    return expirationDate;
  }

  delete(cloudId: string, ownerAccountId: string, ids: unknown): void {
    const doomed = new Set(this.of(cloudId, ownerAccountId).filter((webhook) => Array.isArray(ids) && ids.map(Number).includes(webhook.id)));
    for (let index = this.registered.length - 1; index >= 0; index -= 1) if (doomed.has(this.registered[index])) this.registered.splice(index, 1);
  }

  /** From now on deliveries wait in `pending` until a test delivers them. */
  hold(): void {
    this.holding = true;
  }

  /** Back to delivering at once (what is pending stays pending). */
  resume(): void {
    this.holding = false;
  }

  /** Delivers one delivery now; `asRetry` sends it as Atlassian's next retry of it (same identifier). */
  async deliver(delivery: WebhookDelivery, options: { asRetry?: boolean } = {}): Promise<DeliveryOutcome> {
    const attempt = options.asRetry ? { ...delivery, retries: delivery.retries + 1 } : delivery;
    if (options.asRetry) delivery.retries += 1;
    const outcome: DeliveryOutcome = { identifier: attempt.identifier, issueKey: attempt.issueKey, event: attempt.event, retries: attempt.retries };
    try {
      const response = await fetch(attempt.url, { method: 'POST', headers: this.headers(attempt), body: attempt.body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      outcome.status = response.status;
    } catch (error) {
      outcome.error = (error as Error).message;
    }
    this.outcomes.push(outcome);
    return outcome;
  }

  /**
   * Delivers everything held, in event order, reversed or shuffled (seeded, so a failing run repeats), each
   * once or twice, leaving out the indexes in `drop` (missed webhooks), and empties `pending`.
   */
  async deliverPending(options: { order?: 'events' | 'reverse' | 'shuffle'; seed?: number; duplicate?: boolean; drop?: number[] } = {}): Promise<DeliveryOutcome[]> {
    const held = this.pending.splice(0).filter((_, index) => !options.drop?.includes(index));
    const ordered = options.order === 'reverse' ? held.reverse() : options.order === 'shuffle' ? shuffled(held, options.seed ?? 1) : held;
    const outcomes: DeliveryOutcome[] = [];
    for (const delivery of ordered) {
      outcomes.push(await this.deliver(delivery));
      if (options.duplicate) outcomes.push(await this.deliver(delivery, { asRetry: true }));
    }
    return outcomes;
  }

  /** Waits for deliveries (and their retries) already on their way. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The Authorization header a genuine delivery carries, for tests that forge or replay one. */
  bearerFor(cloudId: string): string {
    const now = Math.floor(this.clock.now() / 1000);
    return `Bearer ${hs256Jwt({ iss: cloudId, iat: now, exp: now + 180 }, this.clientSecret)}`;
  }

  /** Called for every site event: builds the deliveries of the webhooks it matches. */
  onSiteEvent(site: SimulatedJiraSite, event: SiteEvent): void {
    const now = this.clock.now();
    const matching = this.registered.filter(
      (webhook) =>
        webhook.cloudId === site.cloudId &&
        webhook.expirationDate > now &&
        webhook.events.includes(event.webhookEvent) &&
        webhook.matcher.matches(event.issue) &&
        (!webhook.fieldIdsFilter || event.webhookEvent !== 'jira:issue_updated' || (event.changelog?.items ?? []).some((item) => webhook.fieldIdsFilter!.includes(item.fieldId))),
    );
    const byUrl = new Map<string, RegisteredJiraWebhook[]>();
    for (const webhook of matching) byUrl.set(webhook.url, [...(byUrl.get(webhook.url) ?? []), webhook]);
    for (const [url, webhooks] of byUrl) {
      const delivery: WebhookDelivery = {
        identifier: randomUUID(),
        cloudId: site.cloudId,
        url,
        body: JSON.stringify(this.payload(site, event, webhooks.map((webhook) => webhook.id))),
        event: event.webhookEvent,
        issueKey: event.issue.key,
        retries: 0,
      };
      if (this.holding) this.pending.push(delivery);
      else this.track(this.deliverWithRetries(delivery));
    }
  }

  private async deliverWithRetries(delivery: WebhookDelivery): Promise<void> {
    for (;;) {
      const outcome = await this.deliver(delivery);
      const retryable = outcome.error !== undefined || (outcome.status !== undefined && RETRIED_STATUSES.has(outcome.status));
      if (!retryable || delivery.retries >= this.retry.maxRetries) return;
      await new Promise((resolve) => setTimeout(resolve, this.retry.delayMs * (delivery.retries + 1)));
      delivery.retries += 1;
    }
  }

  private track(promise: Promise<unknown>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private headers(delivery: WebhookDelivery): Record<string, string> {
    return {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-identifier': delivery.identifier,
      ...(delivery.retries > 0 ? { 'x-atlassian-webhook-retry': String(delivery.retries) } : {}),
      authorization: this.bearerFor(delivery.cloudId),
    };
  }

  private payload(site: SimulatedJiraSite, event: SiteEvent, matchedWebhookIds: number[]): Record<string, unknown> {
    const resources = this.resources(site);
    const issue = resources.issueResource(event.issue);
    const common = { timestamp: event.timestamp, webhookEvent: event.webhookEvent, matchedWebhookIds };
    if (event.comment) {
      const fields = issue.fields as Record<string, unknown>;
      const brief = { id: issue.id, self: issue.self, key: issue.key, fields: { summary: fields.summary, status: fields.status, priority: fields.priority, issuetype: fields.issuetype, assignee: fields.assignee, project: fields.project } };
      return { ...common, comment: resources.commentResource(event.issue, event.comment), issue: brief };
    }
    if (event.propertyKey !== undefined) {
      return { ...common, property: { key: event.propertyKey, value: event.issue.properties.get(event.propertyKey) ?? null }, issue: { id: issue.id, key: issue.key, self: issue.self } };
    }
    return {
      ...common,
      issue_event_type_name: event.issueEventTypeName,
      user: resources.userResource(event.actorId),
      issue,
      ...(event.changelog ? { changelog: event.changelog } : {}),
    };
  }
}

function hs256Jwt(claims: Record<string, unknown>, secret: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** A seeded Fisher-Yates shuffle (mulberry32), so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const result = [...items];
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other], result[index]];
  }
  return result;
}
