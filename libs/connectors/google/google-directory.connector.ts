import { admin_directory_v1, type MethodOptions } from '@googleapis/admin';
import type { Secret } from '../../crypto/secret';
import { abortReasonOr, outsideCallSignal } from '../outside-call-cancellation';
import type { GoogleAppPassword, GoogleCallResult, GoogleDirectoryUser, GoogleUserOAuthGrant } from './google-directory-records';
import { googleApiError, GoogleConnectorError } from './google-errors';
import { googleHttpFailureOf, headerOf } from './google-http-failure';
import type { GoogleTokenSource } from './google-token-source';

export interface GoogleDirectoryConnectorOptions {
  tokens: GoogleTokenSource;
  /** Google's https://admin.googleapis.com/ when absent; the simulator's rootUrl in tests and the demo. */
  rootUrl?: string;
}

/** A hung connection fails the attempt (retryable) well inside any activity timeout. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The Admin SDK Directory calls Custodian makes, one tenant's domain per instance, through the real
 * googleapis client. Every request carries `retry: false`: retries belong to the Temporal activity's retry
 * policy, and the connector only maps failures (GoogleConnectorError). The one exception is a 401, which
 * means our access token was refused before Google did anything: the connector drops that token and tries
 * exactly once more with a refreshed one.
 */
export class GoogleDirectoryConnector {
  private readonly directory: admin_directory_v1.Admin;

  constructor(private readonly options: GoogleDirectoryConnectorOptions) {
    this.directory = new admin_directory_v1.Admin({ rootUrl: options.rootUrl ?? 'https://admin.googleapis.com/' });
  }

  async getUser(userKey: string): Promise<GoogleCallResult & { user: GoogleDirectoryUser }> {
    const { data, requestId } = await this.call('users.get', [], (options) => this.directory.users.get({ userKey }, options)).catch((error: unknown) => {
      // Google's own words ("Resource Not Found: userKey") name its parameter, not the person the agent typed.
      if (error instanceof GoogleConnectorError && error.type === 'GoogleUserNotFound') {
        throw new GoogleConnectorError('GoogleUserNotFound', `no such user in the Workspace: Google knows no ${userKey}`, false, error.status);
      }
      throw error;
    });
    if (!data.id || !data.primaryEmail) throw new Error('Google returned a user without an id or primary email');
    const user: GoogleDirectoryUser = {
      id: data.id,
      primaryEmail: data.primaryEmail,
      isAdmin: data.isAdmin === true,
      isDelegatedAdmin: data.isDelegatedAdmin === true,
      suspended: data.suspended === true,
      suspensionReason: data.suspended ? (data.suspensionReason ?? null) : null,
      isEnrolledIn2Sv: data.isEnrolledIn2Sv === true,
      orgUnitPath: data.orgUnitPath ?? '/',
    };
    return { user, requestId };
  }

  /**
   * The Google customer that owns `domain`, asked as the grant's admin: users.list for customer my_customer
   * answers only for that customer's own domains (Google refuses any other domain with 400, 403 or 404, which
   * arrive here as GoogleInvalidRequest, GooglePermissionDenied or GoogleUserNotFound), and every user it
   * lists carries the customer id. customerId is null when the domain has no user to show it by.
   */
  async customerOfDomain(domain: string): Promise<GoogleCallResult & { customerId: string | null }> {
    const { data, requestId } = await this.call('users.list', [], (options) => this.directory.users.list({ customer: 'my_customer', domain, maxResults: 1 }, options));
    return { customerId: data.users?.[0]?.customerId ?? null, requestId };
  }

  /**
   * Sets a password the user must change at next sign-in. The flag is part of the request body itself:
   * there is no parameter, option or setting that leaves it out (non-negotiable 4).
   */
  async setPassword(userKey: string, password: Secret): Promise<GoogleCallResult> {
    const requestBody = { password: password.reveal(), changePasswordAtNextLogin: true };
    const { requestId } = await this.call('users.update (password)', [password.reveal()], (options) =>
      this.directory.users.update({ userKey, requestBody }, options),
    );
    return { requestId };
  }

  async suspend(userKey: string): Promise<GoogleCallResult> {
    const { requestId } = await this.call('users.update (suspend)', [], (options) =>
      this.directory.users.update({ userKey, requestBody: { suspended: true } }, options),
    );
    return { requestId };
  }

  async unsuspend(userKey: string): Promise<GoogleCallResult> {
    const { requestId } = await this.call('users.update (unsuspend)', [], (options) =>
      this.directory.users.update({ userKey, requestBody: { suspended: false } }, options),
    );
    return { requestId };
  }

  /** Ends the user's web and device sessions (needs admin.directory.user.security). */
  async signOut(userKey: string): Promise<GoogleCallResult> {
    const { requestId } = await this.call('users.signOut', [], (options) => this.directory.users.signOut({ userKey }, options));
    return { requestId };
  }

  async listTokens(userKey: string): Promise<GoogleCallResult & { tokens: GoogleUserOAuthGrant[] }> {
    const { data, requestId } = await this.call('tokens.list', [], (options) => this.directory.tokens.list({ userKey }, options));
    const tokens = (data.items ?? []).map((item) => ({
      clientId: item.clientId ?? '',
      displayText: item.displayText ?? '',
      scopes: item.scopes ?? [],
      anonymous: item.anonymous === true,
      nativeApp: item.nativeApp === true,
    }));
    return { tokens, requestId };
  }

  /** Revokes the OAuth grant the user gave this client id. */
  async revokeToken(userKey: string, clientId: string): Promise<GoogleCallResult> {
    const { requestId } = await this.call('tokens.delete', [], (options) => this.directory.tokens.delete({ userKey, clientId }, options));
    return { requestId };
  }

  async listAsps(userKey: string): Promise<GoogleCallResult & { asps: GoogleAppPassword[] }> {
    const { data, requestId } = await this.call('asps.list', [], (options) => this.directory.asps.list({ userKey }, options));
    const asps = (data.items ?? []).map((item) => ({
      codeId: item.codeId ?? 0,
      name: item.name ?? '',
      createdAt: epochMillis(item.creationTime),
      lastUsedAt: epochMillis(item.lastTimeUsed),
    }));
    return { asps, requestId };
  }

  async deleteAsp(userKey: string, codeId: number): Promise<GoogleCallResult> {
    const { requestId } = await this.call('asps.delete', [], (options) => this.directory.asps.delete({ userKey, codeId }, options));
    return { requestId };
  }

  /** One Directory request, with at most one more after a 401; `secrets` are cut out of any error message. */
  private async call<T>(
    operation: string,
    secrets: string[],
    request: (options: MethodOptions) => Promise<{ data: T; headers: unknown }>,
  ): Promise<{ data: T; requestId: string | null }> {
    const tokensUsed: string[] = [];
    for (;;) {
      const token = await this.options.tokens.accessToken();
      tokensUsed.push(token);
      try {
        const response = await request({
          headers: { authorization: `Bearer ${token}` },
          retry: false,
          timeout: REQUEST_TIMEOUT_MS,
          // Node's fetch rather than node-fetch, which gaxios would load through a dynamic import.
          fetchImplementation: fetch,
          signal: outsideCallSignal(),
        });
        return { data: response.data, requestId: headerOf(response.headers, 'x-goog-request-id') ?? null };
      } catch (error) {
        if (outsideCallSignal()?.aborted) throw abortReasonOr(error);
        const failure = googleHttpFailureOf(error);
        if (!failure) throw error;
        if (failure.status === 401 && tokensUsed.length === 1) {
          this.options.tokens.invalidate(token);
          continue;
        }
        throw googleApiError(operation, failure, [...tokensUsed, ...secrets]);
      }
    }
  }
}

/** Google sends these times as int64 milliseconds since the epoch, in a string. */
function epochMillis(value: string | null | undefined): Date | null {
  const millis = Number(value);
  return value && Number.isFinite(millis) && millis > 0 ? new Date(millis) : null;
}
