import { Inject, Injectable } from '@nestjs/common';
import { appendAuditEvent } from '../../../../libs/audit';
import type { AppConfig } from '../../../../libs/config/app-config';
import { CredentialStore } from '../../../../libs/connectors/credential-store';
import { GoogleDirectoryConnector } from '../../../../libs/connectors/google/google-directory.connector';
import { GoogleConnectorError, type GoogleErrorType } from '../../../../libs/connectors/google/google-errors';
import type { GoogleOAuth } from '../../../../libs/connectors/google/google-oauth';
import type { GoogleTokenSet } from '../../../../libs/connectors/google/google-token-set';
import { GoogleWorkspaceClaims, type GoogleWorkspaceClaim } from '../../../../libs/connectors/google/google-workspace-claims';
import { grantedAccessToken } from '../../../../libs/connectors/google/granted-access-token';
import { TenantScopedDatabase } from '../../../../libs/db';
import { auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiError, notFound } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { GOOGLE_OAUTH } from './google-oauth.provider';
import { OAuthConnectStates } from './oauth-connect-states';

export type GoogleRevocation = 'revoked' | 'already-invalid' | 'not-attempted';

/** How Google answers users.list for a domain that is not the consenting customer's (400, 403 or 404). */
const NOT_THE_CUSTOMERS_DOMAIN: readonly GoogleErrorType[] = ['GoogleInvalidRequest', 'GooglePermissionDenied', 'GoogleUserNotFound'];

/**
 * A tenant's Google Workspace connection: the admin's consent (state bound to tenant and a single-use nonce),
 * the code exchanged for a token set, Google's confirmation that the consenting admin's Workspace owns the
 * domain the tenant named and that no other tenant holds that Workspace, then the token set straight into the
 * encrypted credential store; and the disconnect that revokes the grant at Google before forgetting it.
 */
@Injectable()
export class GoogleConnectService {
  private readonly claims: GoogleWorkspaceClaims;

  constructor(
    @Inject(GOOGLE_OAUTH) private readonly oauth: GoogleOAuth | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly states: OAuthConnectStates,
    private readonly credentials: CredentialStore,
    private readonly db: TenantScopedDatabase,
  ) {
    this.claims = new GoogleWorkspaceClaims(db);
  }

  async consentUrl(caller: TenantPrincipal, domain: string, browserBinding?: string): Promise<{ consentUrl: string; expiresAt: string }> {
    const oauth = this.configured();
    const { state, expiresAt } = await this.states.issue('google', { tenantId: caller.tenantId, externalAccount: domain.toLowerCase(), requestedBy: auditActor(caller), browserBinding });
    return { consentUrl: oauth.consentUrl(state), expiresAt: expiresAt.toISOString() };
  }

  /** Google's redirect back: the state must be ours and unused; then the code becomes a stored token set. */
  async complete(query: { state?: string; code?: string; error?: string; browserBinding?: string }): Promise<{ domain: string }> {
    const oauth = this.configured();
    if (!query.state) throw new ApiError(400, 'bad_request', 'the consent answer carries no state');
    const consumed = await this.states.consume('google', query.state, query.browserBinding);
    if (consumed.kind === 'invalid') throw new ApiError(400, 'bad_request', consumed.reason);
    const { tenantId, externalAccount, requestedBy } = consumed.intent;
    if (query.error || !query.code) {
      await this.audit(tenantId, requestedBy, externalAccount, 'failure', { reason: query.error ?? 'no code' });
      throw new ApiError(400, 'bad_request', query.error === 'access_denied' ? 'the Workspace admin declined the consent' : `Google answered: ${query.error ?? 'no code'}`);
    }
    let tokens;
    try {
      tokens = await oauth.exchangeCode(query.code);
    } catch (error) {
      if (!(error instanceof GoogleConnectorError)) throw error;
      await this.audit(tenantId, requestedBy, externalAccount, 'failure', { reason: error.type });
      throw error.retryable ? new ApiError(502, 'provider_unavailable', `${error.message}; start the connection again`) : new ApiError(400, 'bad_request', error.message);
    }
    const workspace = await this.confirmWorkspace(oauth, { tenantId, requestedBy, domain: externalAccount }, tokens);
    await this.credentials.save(tenantId, 'google', externalAccount, tokens, requestedBy);
    await this.audit(tenantId, requestedBy, externalAccount, 'success', { scopes: tokens.scopes.join(' '), customerId: workspace.customerId });
    return { domain: externalAccount };
  }

  /** The Google Workspace customer the tenant's connection was confirmed for; undefined before any confirmed connect. */
  workspaceOf(tenantId: string): Promise<GoogleWorkspaceClaim | undefined> {
    return this.claims.of(tenantId);
  }

  /**
   * Before anything is stored: Google must confirm, to the grant just made, that the consenting admin's
   * Workspace owns the domain the tenant's admin typed (and name its customer id), and no other tenant may hold
   * that domain or customer. A refusal revokes the new grant at Google and is audited with its reason.
   */
  private async confirmWorkspace(oauth: GoogleOAuth, intent: { tenantId: string; requestedBy: string; domain: string }, tokens: GoogleTokenSet): Promise<GoogleWorkspaceClaim> {
    const { tenantId, requestedBy, domain } = intent;
    const refuse = async (reason: string, failure: ApiError, details: Record<string, string> = {}): Promise<never> => {
      const revocation = await oauth.revokeGrant(tokens).catch(() => 'failed');
      await this.audit(tenantId, requestedBy, domain, 'failure', { reason, ...details, revocation });
      throw failure;
    };
    const directory = new GoogleDirectoryConnector({ tokens: grantedAccessToken(tokens), rootUrl: this.config.google?.apiRootUrl });
    let customerId: string | null;
    try {
      ({ customerId } = await directory.customerOfDomain(domain));
    } catch (error) {
      if (!(error instanceof GoogleConnectorError)) throw error;
      if (NOT_THE_CUSTOMERS_DOMAIN.includes(error.type)) {
        return refuse('domain_not_owned', new ApiError(403, 'forbidden', `the Google account that consented does not administer ${domain}: Google would not list its users for that account's Workspace. Consent as an administrator of ${domain}`), { googleError: error.type });
      }
      return refuse('ownership_unconfirmed', error.retryable ? new ApiError(502, 'provider_unavailable', `Google could not confirm who owns ${domain} (${error.message}); start the connection again`) : new ApiError(400, 'bad_request', error.message), { googleError: error.type });
    }
    if (!customerId) {
      return refuse('domain_has_no_users', new ApiError(400, 'bad_request', `Google shows no users in ${domain}, so its Workspace cannot be identified and there is no one to act on`));
    }
    const workspace = { domain, customerId };
    if ((await this.claims.claim(tenantId, workspace, requestedBy)) === 'held-elsewhere') {
      return refuse('workspace_held_by_another_tenant', new ApiError(409, 'conflict', `${domain} or its Google Workspace account is already connected to another Custodian tenant; a Workspace can be connected to one tenant only`), { customerId });
    }
    return workspace;
  }

  /** Revokes the grant at Google, then deletes the credential; if Google cannot be reached, nothing is deleted. */
  async disconnect(caller: TenantPrincipal): Promise<{ provider: 'google'; revocation: GoogleRevocation }> {
    const stored = await this.credentials.load(caller.tenantId, 'google');
    if (!stored) throw notFound('integration');
    let revocation: GoogleRevocation = 'not-attempted';
    if (this.oauth) {
      try {
        revocation = await this.oauth.revokeGrant(stored.tokens);
      } catch (error) {
        if (!(error instanceof GoogleConnectorError)) throw error;
        throw new ApiError(502, 'provider_unavailable', `Google did not confirm the revocation (${error.message}); the connection is kept, try again`);
      }
    }
    await this.credentials.remove(caller.tenantId, 'google', auditActor(caller));
    await this.claims.release(caller.tenantId);
    await this.db.withTenant(caller.tenantId, (tx) =>
      appendAuditEvent(tx, caller.tenantId, { actor: auditActor(caller), action: 'integration.google.revoked', target: stored.integration.externalAccount, outcome: 'success', details: { revocation } }),
    );
    return { provider: 'google', revocation };
  }

  private configured(): GoogleOAuth {
    if (!this.oauth) throw new ApiError(503, 'service_unavailable', 'Google Workspace is not configured on this Custodian (GOOGLE_CLIENT_ID)');
    return this.oauth;
  }

  private audit(tenantId: string, actor: string, domain: string, outcome: 'success' | 'failure', details: Record<string, string>) {
    return this.db.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor, action: 'integration.google.consent', target: domain, outcome, details }));
  }
}
