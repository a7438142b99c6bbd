import { Inject, Injectable } from '@nestjs/common';
import { appendAuditEvent } from '../../../../libs/audit';
import { CredentialStore, type TokenSet } from '../../../../libs/connectors/credential-store';
import type { AtlassianOAuth, AtlassianSite } from '../../../../libs/connectors/jira/atlassian-oauth';
import { JiraConnectorError } from '../../../../libs/connectors/jira/jira-errors';
import { JiraSite } from '../../../../libs/connectors/jira/jira-site.connector';
import { JiraSiteStore, type JiraSiteChoice } from '../../../../libs/connectors/jira/jira-site-store';
import { JiraTokenRefresher } from '../../../../libs/connectors/jira/jira-token-refresher';
import { TenantScopedDatabase } from '../../../../libs/db';
import { auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiError, notFound } from '../errors/api-error';
import { JiraSyncStarter } from '../jira-sync/jira-sync-starter';
import { ATLASSIAN_OAUTH } from './jira-oauth.provider';
import { OAuthConnectStates } from './oauth-connect-states';

/** What an admin sees of the tenant's Jira connection: never a token. */
export interface JiraConnectionView {
  status: 'connected' | 'site_choice_pending' | 'needs_reconsent';
  site: JiraSiteChoice | null;
  /** The Atlassian account Custodian acts as on the site (3LO acts as the consenting user). */
  accountId: string | null;
  availableSites: JiraSiteChoice[];
  scopes: string[];
}

/** Any site: the grant decides, or the admin picks among several afterwards. */
const ANY_SITE = '*';
const PENDING_ACCOUNT = 'Jira site not chosen yet';

/**
 * A tenant's Jira Cloud connection over OAuth 2.0 (3LO): the admin's consent (state bound to the tenant and a
 * single-use nonce), the code exchanged for a token set with exactly JIRA_SCOPES that goes straight into the
 * encrypted credential store, the sites the grant reaches (accessible resources) and the one Custodian works
 * on — given up front, the only one, or picked by the admin afterwards — with the app's accountId on it.
 */
@Injectable()
export class JiraConnectService {
  constructor(
    @Inject(ATLASSIAN_OAUTH) private readonly oauth: AtlassianOAuth | null,
    private readonly states: OAuthConnectStates,
    private readonly credentials: CredentialStore,
    private readonly sites: JiraSiteStore,
    private readonly db: TenantScopedDatabase,
    private readonly sync: JiraSyncStarter,
  ) {}

  async consentUrl(caller: TenantPrincipal, site: string | undefined, browserBinding?: string): Promise<{ consentUrl: string; expiresAt: string }> {
    const oauth = this.configured();
    const { state, expiresAt } = await this.states.issue('jira', { tenantId: caller.tenantId, externalAccount: site?.toLowerCase().replace(/\/+$/, '') ?? ANY_SITE, requestedBy: auditActor(caller), browserBinding });
    return { consentUrl: oauth.consentUrl(state), expiresAt: expiresAt.toISOString() };
  }

  /** Atlassian's redirect back: the state must be ours and unused; then the code becomes a stored grant on a site. */
  async complete(query: { state?: string; code?: string; error?: string; browserBinding?: string }): Promise<JiraConnectionView> {
    const oauth = this.configured();
    if (!query.state) throw new ApiError(400, 'bad_request', 'the consent answer carries no state');
    const consumed = await this.states.consume('jira', query.state, query.browserBinding);
    if (consumed.kind === 'invalid') throw new ApiError(400, 'bad_request', consumed.reason);
    const { tenantId, externalAccount: wanted, requestedBy } = consumed.intent;
    if (query.error || !query.code) {
      await this.audit(tenantId, requestedBy, 'integration.jira.consent', 'failure', { reason: query.error ?? 'no code' });
      throw new ApiError(400, 'bad_request', query.error === 'access_denied' ? 'the Jira admin declined the consent' : `Atlassian answered: ${query.error ?? 'no code'}`);
    }
    const code = query.code;
    const previous = await this.sites.get(tenantId);
    const { tokens, granted, site, accountId } = await this.providerCall(tenantId, requestedBy, async () => {
      const tokens = await oauth.exchangeCode(code);
      const granted = (await oauth.accessibleResources(tokens.accessToken)).map(choiceOf);
      // Consenting again keeps the site already synced with, if the new grant still reaches it.
      const kept = wanted === ANY_SITE && previous?.state === 'chosen' ? granted.find((choice) => choice.cloudId === previous.cloudId) : undefined;
      const site = kept ?? pickSite(wanted, granted);
      const accountId = site ? await this.accountOn(oauth, site, { accessToken: async () => tokens.accessToken.reveal(), invalidate: () => undefined }) : null;
      return { tokens, granted, site, accountId };
    });
    await this.credentials.save(tenantId, 'jira', site?.url ?? PENDING_ACCOUNT, tokens, requestedBy);
    await this.db.withTenant(tenantId, async (tx) => {
      await this.sites.record(tx, tenantId, granted, site && accountId ? { site, accountId } : null, requestedBy);
      await appendAuditEvent(tx, tenantId, {
        actor: requestedBy,
        action: 'integration.jira.consent',
        target: site?.url ?? PENDING_ACCOUNT,
        outcome: 'success',
        details: { scopes: tokens.scopes.join(' '), sites: granted.map((choice) => choice.url), siteChosen: site !== null },
      });
    });
    // Webhooks, Schedules and the backfill now, not at a first reconciliation nothing would schedule.
    if (site) await this.sync.startIfReady(tenantId);
    return this.viewOf(tenantId, tokens);
  }

  /** The admin picks the site among those the grant reaches (also to move the sync to another of them). */
  async chooseSite(caller: TenantPrincipal, cloudId: string): Promise<JiraConnectionView> {
    const oauth = this.configured();
    const integration = await this.credentials.view(caller.tenantId, 'jira');
    const record = await this.sites.get(caller.tenantId);
    if (!integration || !record) throw notFound('Jira integration');
    const site = record.availableSites.find((choice) => choice.cloudId === cloudId);
    if (!site) {
      throw new ApiError(400, 'validation_failed', `cloudId is not one of the sites the grant reaches (${record.availableSites.map((choice) => `${choice.cloudId} ${choice.url}`).join(', ')})`, [
        { field: 'cloudId', problems: ['must be the cloudId of one of availableSites'] },
      ]);
    }
    const actor = auditActor(caller);
    const accountId = await this.providerCall(caller.tenantId, actor, () =>
      this.accountOn(oauth, site, new JiraTokenRefresher({ tenantId: caller.tenantId, credentials: this.credentials, refresh: (refreshToken) => oauth.refresh(refreshToken) })),
    );
    await this.db.withTenant(caller.tenantId, async (tx) => {
      await this.sites.record(tx, caller.tenantId, record.availableSites, { site, accountId }, actor);
      await tx.integrationCredential.updateMany({ where: { provider: 'jira' }, data: { externalAccount: site.url, updatedAt: new Date() } });
      await appendAuditEvent(tx, caller.tenantId, { actor, action: 'integration.jira.site_chosen', target: site.url, outcome: 'success', details: { cloudId: site.cloudId } });
    });
    await this.sync.startIfReady(caller.tenantId);
    return this.view(caller);
  }

  async view(caller: TenantPrincipal): Promise<JiraConnectionView> {
    return this.viewOf(caller.tenantId);
  }

  /** Forgets the grant and the site. Atlassian has no API to revoke a 3LO grant: the admin removes the app under their account's connected apps. */
  async disconnect(caller: TenantPrincipal): Promise<{ provider: 'jira'; revocation: 'not-supported-by-atlassian' }> {
    const actor = auditActor(caller);
    if (!(await this.credentials.remove(caller.tenantId, 'jira', actor))) throw notFound('integration');
    await this.db.withTenant(caller.tenantId, (tx) => this.sites.remove(tx, caller.tenantId));
    return { provider: 'jira', revocation: 'not-supported-by-atlassian' };
  }

  private async viewOf(tenantId: string, fresh?: TokenSet): Promise<JiraConnectionView> {
    const integration = await this.credentials.view(tenantId, 'jira');
    const record = await this.sites.get(tenantId);
    if (!integration || !record) throw notFound('Jira integration');
    const chosen = record.state === 'chosen' ? record : null;
    return {
      status: integration.status === 'needs_reconsent' ? 'needs_reconsent' : chosen ? 'connected' : 'site_choice_pending',
      site: chosen ? { cloudId: chosen.cloudId, url: chosen.url, name: chosen.name } : null,
      accountId: chosen?.accountId ?? null,
      availableSites: record.availableSites,
      scopes: fresh?.scopes ?? integration.scopes,
    };
  }

  /** The app's accountId on the site (GET /myself), which is how the sync tells its own writes from people's. */
  private async accountOn(oauth: AtlassianOAuth, site: JiraSiteChoice, tokens: ConstructorParameters<typeof JiraSite>[0]['tokens']): Promise<string> {
    const { data } = await new JiraSite({ host: oauth.siteApiBase(site.cloudId), tokens }).myself();
    if (!data.accountId) throw new JiraConnectorError('JiraInvalidRequest', 'myself: Jira answered without an accountId', false);
    return data.accountId;
  }

  /** Runs Atlassian calls of the connection; a refusal is audited and becomes 400 (or 502 when worth trying again). */
  private async providerCall<T>(tenantId: string, actor: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const refused = error instanceof JiraConnectorError ? error : error instanceof ApiError ? error : undefined;
      if (!refused) throw error;
      await this.audit(tenantId, actor, 'integration.jira.consent', 'failure', { reason: refused instanceof JiraConnectorError ? refused.type : refused.message });
      if (refused instanceof ApiError) throw refused;
      throw refused.retryable ? new ApiError(502, 'provider_unavailable', `${refused.message}; start the connection again`) : new ApiError(400, 'bad_request', refused.message);
    }
  }

  private configured(): AtlassianOAuth {
    if (!this.oauth) throw new ApiError(503, 'service_unavailable', 'Jira is not configured on this Custodian (JIRA_CLIENT_ID)');
    return this.oauth;
  }

  private audit(tenantId: string, actor: string, action: string, outcome: 'success' | 'failure', details: Record<string, unknown>) {
    return this.db.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor, action, target: 'jira', outcome, details }));
  }
}

function choiceOf(site: AtlassianSite): JiraSiteChoice {
  return { cloudId: site.cloudId, url: site.url, name: site.name };
}

/** The site asked for at connect time (URL or cloudId), else the only one; null when the admin must pick. */
function pickSite(wanted: string, granted: JiraSiteChoice[]): JiraSiteChoice | null {
  if (granted.length === 0) throw new ApiError(400, 'bad_request', 'the grant reaches no Jira site: the consenting account has no Jira Cloud site');
  if (wanted === ANY_SITE) return granted.length === 1 ? granted[0] : null;
  const site = granted.find((choice) => choice.cloudId.toLowerCase() === wanted || choice.url.toLowerCase().replace(/\/+$/, '') === wanted);
  if (!site) throw new ApiError(400, 'bad_request', `the grant does not reach ${wanted}; it reaches ${granted.map((choice) => choice.url).join(', ')}`);
  return site;
}
