import { admin_directory_v1 } from '@googleapis/admin';
import { mapGoogleError } from './google-errors';

export interface DirectoryUser {
  id: string;
  primaryEmail: string;
  isAdmin: boolean;
  isDelegatedAdmin: boolean;
  suspended: boolean;
  suspensionReason: string | null;
  orgUnitPath: string;
}

export interface GoogleCallResult {
  /** Google's request id when the response carries one, for the audit trail. */
  requestId: string | null;
}

/**
 * The Admin SDK Directory calls Custodian makes, through googleapis. Retries belong to the Temporal
 * activity's retry policy, so the client's own retries are off; every failure is a GoogleApiError.
 */
export class GoogleDirectoryConnector {
  private readonly directory: admin_directory_v1.Admin;
  private readonly accessToken: () => Promise<string>;

  constructor(options: { accessToken: () => Promise<string>; rootUrl?: string }) {
    this.accessToken = options.accessToken;
    this.directory = new admin_directory_v1.Admin({ rootUrl: options.rootUrl ?? 'https://admin.googleapis.com/' });
  }

  async getUser(userKey: string): Promise<DirectoryUser & GoogleCallResult> {
    const response = await this.call('users.get', (headers) => this.directory.users.get({ userKey }, requestOptions(headers)));
    const user = response.data;
    return {
      id: user.id ?? '',
      primaryEmail: user.primaryEmail ?? userKey,
      isAdmin: user.isAdmin === true,
      isDelegatedAdmin: user.isDelegatedAdmin === true,
      suspended: user.suspended === true,
      suspensionReason: user.suspensionReason ?? null,
      orgUnitPath: user.orgUnitPath ?? '/',
      requestId: requestIdOf(response.headers),
    };
  }

  /** Sets a password that the user must change at next sign-in: always, there is no other way to call this. */
  async setPassword(userKey: string, password: string): Promise<GoogleCallResult> {
    const response = await this.call('users.update (password)', (headers) =>
      this.directory.users.update({ userKey, requestBody: { password, changePasswordAtNextLogin: true } }, requestOptions(headers)),
    );
    return { requestId: requestIdOf(response.headers) };
  }

  async setSuspended(userKey: string, suspended: boolean): Promise<GoogleCallResult> {
    const response = await this.call(suspended ? 'users.update (suspend)' : 'users.update (unsuspend)', (headers) =>
      this.directory.users.update({ userKey, requestBody: { suspended } }, requestOptions(headers)),
    );
    return { requestId: requestIdOf(response.headers) };
  }

  async signOut(userKey: string): Promise<GoogleCallResult> {
    const response = await this.call('users.signOut', (headers) => this.directory.users.signOut({ userKey }, requestOptions(headers)));
    return { requestId: requestIdOf(response.headers) };
  }

  private async call<T extends { headers: unknown }>(what: string, request: (headers: Record<string, string>) => Promise<T>): Promise<T> {
    const headers = { authorization: `Bearer ${await this.accessToken()}` };
    try {
      return await request(headers);
    } catch (error) {
      const response = (error as { response?: { status?: number; data?: unknown; headers?: unknown } }).response;
      if (!response?.status) throw error;
      const data = response.data as { error?: { errors?: { reason?: string }[] } } | undefined;
      throw mapGoogleError(response.status, data?.error?.errors?.[0]?.reason, headerOf(response.headers, 'retry-after'), what);
    }
  }
}

/**
 * No client-side retries (the activity's retry policy owns them), and Node's own fetch rather than the
 * node-fetch gaxios would load through a dynamic import.
 */
function requestOptions(headers: Record<string, string>) {
  return { headers, retry: false, fetchImplementation: fetch };
}

function requestIdOf(headers: unknown): string | null {
  return headerOf(headers, 'x-goog-request-id') ?? null;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
