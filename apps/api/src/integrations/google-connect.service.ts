import { Inject, Injectable } from '@nestjs/common';
import { appendAuditEvent } from '../../../../libs/audit';
import { CredentialStore } from '../../../../libs/connectors/credential-store';
import { GoogleConnectorError } from '../../../../libs/connectors/google/google-errors';
import type { GoogleOAuth } from '../../../../libs/connectors/google/google-oauth';
import { TenantScopedDatabase } from '../../../../libs/db';
import { auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiError, notFound } from '../errors/api-error';
import { GOOGLE_OAUTH } from './google-oauth.provider';
import { OAuthConnectStates } from './oauth-connect-states';

export type GoogleRevocation = 'revoked' | 'already-invalid' | 'not-attempted';

/**
 * A tenant's Google Workspace connection: the admin's consent (state bound to tenant and a single-use nonce),
 * the code exchanged for a token set that goes straight into the encrypted credential store, and the
 * disconnect that revokes the grant at Google before forgetting it.
 */
@Injectable()
export class GoogleConnectService {
  constructor(
    @Inject(GOOGLE_OAUTH) private readonly oauth: GoogleOAuth | null,
    private readonly states: OAuthConnectStates,
    private readonly credentials: CredentialStore,
    private readonly db: TenantScopedDatabase,
  ) {}

  async consentUrl(caller: TenantPrincipal, domain: string): Promise<{ consentUrl: string; expiresAt: string }> {
    const oauth = this.configured();
    const { state, expiresAt } = await this.states.issue('google', { tenantId: caller.tenantId, externalAccount: domain.toLowerCase(), requestedBy: auditActor(caller) });
    return { consentUrl: oauth.consentUrl(state), expiresAt: expiresAt.toISOString() };
  }

  /** Google's redirect back: the state must be ours and unused; then the code becomes a stored token set. */
  async complete(query: { state?: string; code?: string; error?: string }): Promise<{ domain: string }> {
    const oauth = this.configured();
    if (!query.state) throw new ApiError(400, 'bad_request', 'the consent answer carries no state');
    const consumed = await this.states.consume('google', query.state);
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
    await this.credentials.save(tenantId, 'google', externalAccount, tokens, requestedBy);
    await this.audit(tenantId, requestedBy, externalAccount, 'success', { scopes: tokens.scopes.join(' ') });
    return { domain: externalAccount };
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
