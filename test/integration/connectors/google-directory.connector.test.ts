import { GoogleConnectorError } from '../../../libs/connectors/google/google-errors';
import { GoogleDirectoryConnector } from '../../../libs/connectors/google/google-directory.connector';
import { GoogleOAuth } from '../../../libs/connectors/google/google-oauth';
import { GOOGLE_SCOPES } from '../../../libs/connectors/google/google-scopes';
import { GoogleTokenCache } from '../../../libs/connectors/google/google-token-cache';
import type { GoogleTokenSet } from '../../../libs/connectors/google/google-token-set';
import { Secret } from '../../../libs/crypto/secret';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../../fakes/google/google-workspace-simulator';
import { simulatorOAuth } from '../../support/google-workspace';
import type { ScriptedResponse } from '../../fakes/google/scripted-responses';

const DOMAIN = 'acme.example';

describe('Google Directory connector (real googleapis and google-auth-library, simulated Google over HTTP)', () => {
  let google: GoogleWorkspaceSimulator;
  let oauth: GoogleOAuth;
  let stored: GoogleTokenSet;
  let saves: number;
  let connector: GoogleDirectoryConnector;

  beforeAll(async () => {
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    oauth = simulatorOAuth(google);
  });
  afterAll(() => google.stop());

  /** A connector over a fresh grant, its token set kept in `stored` as the credential store would. */
  function connect(expiresInSeconds = 3600): void {
    const issued = google.issueTokens({ expiresInSeconds });
    stored = { accessToken: new Secret(issued.accessToken), refreshToken: new Secret(issued.refreshToken), expiresAt: issued.expiresAt, scopes: issued.scopes };
    saves = 0;
    const tokens = new GoogleTokenCache({
      loadTokenSet: async () => stored,
      saveTokenSet: async (refreshed) => {
        stored = refreshed;
        saves += 1;
      },
      refresh: (refreshToken) => oauth.refresh(refreshToken),
    });
    connector = new GoogleDirectoryConnector({ tokens, rootUrl: google.rootUrl });
  }

  beforeEach(() => {
    connect();
    google.requests.splice(0);
    google.passwordsSet.splice(0);
  });

  it('reads a user with admin flags, suspension reason and Google request id', async () => {
    const admin = await connector.getUser(`admin@${DOMAIN}`);
    expect(admin).toMatchObject({ user: { primaryEmail: `admin@${DOMAIN}`, isAdmin: true, suspended: false }, requestId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect((await connector.getUser(`mallory@${DOMAIN}`)).user).toMatchObject({ suspended: true, suspensionReason: 'ABUSE' });
    expect((await connector.getUser(`helpdesk@${DOMAIN}`)).user).toMatchObject({ isAdmin: false, isDelegatedAdmin: true });
  });

  it('sets a password with changePasswordAtNextLogin: true in the same request body', async () => {
    await connector.setPassword(`jane@${DOMAIN}`, new Secret('Temp-Pass-1234!'));
    const sets = google.requests.filter((request) => request.method === 'PUT');
    expect(sets).toHaveLength(1);
    expect(sets[0].path).toBe(`/admin/directory/v1/users/jane%40${DOMAIN}`);
    expect(google.passwordsSet).toEqual([{ userKey: `jane@${DOMAIN}`, password: 'Temp-Pass-1234!', changePasswordAtNextLogin: true }]);
    expect(google.users.get(`jane@${DOMAIN}`)!.changePasswordAtNextLogin).toBe(true);
    expect(JSON.stringify(google.requests)).not.toContain('Temp-Pass-1234!');
  });

  it('suspends, unsuspends, signs out, and revokes grants and app passwords', async () => {
    const jane = google.users.get(`jane@${DOMAIN}`)!;
    await connector.suspend(jane.primaryEmail);
    expect(jane.suspended).toBe(true);
    await connector.unsuspend(jane.primaryEmail);
    expect(jane.suspended).toBe(false);
    await connector.signOut(jane.primaryEmail);
    expect(jane.signOuts).toBe(1);
    const { tokens } = await connector.listTokens(jane.primaryEmail);
    expect(tokens.map((token) => token.displayText)).toEqual(['Acme CRM', 'Mail sync for macOS']);
    for (const token of tokens) await connector.revokeToken(jane.primaryEmail, token.clientId);
    const { asps } = await connector.listAsps(jane.primaryEmail);
    expect(asps).toEqual([expect.objectContaining({ codeId: 1, name: 'Thunderbird on laptop', createdAt: new Date(1717236000000) })]);
    await connector.deleteAsp(jane.primaryEmail, 1);
    expect(jane.tokens).toEqual([]);
    expect(jane.asps).toEqual([]);
  });

  it.each<[Extract<ScriptedResponse, { status: number }>, string, boolean]>([
    [{ status: 404, reason: 'notFound' }, 'GoogleUserNotFound', false],
    [{ status: 403, reason: 'forbidden' }, 'GooglePermissionDenied', false],
    [{ status: 403, reason: 'insufficientPermissions' }, 'GooglePermissionDenied', false],
    [{ status: 403, reason: 'userRateLimitExceeded' }, 'GoogleRateLimited', true],
    [{ status: 403, reason: 'rateLimitExceeded' }, 'GoogleRateLimited', true],
    [{ status: 429, reason: 'rateLimitExceeded', retryAfter: '7' }, 'GoogleRateLimited', true],
    [{ status: 503, reason: 'backendError' }, 'GoogleUnavailable', true],
    [{ status: 400, reason: 'invalid' }, 'GoogleInvalidRequest', false],
  ])('maps %p to %s (retryable %p) after exactly one request, with no secret in the error', async (failure, type, retryable) => {
    google.failNext({ method: 'PUT' }, failure);
    const error = await connector.setPassword(`jane@${DOMAIN}`, new Secret('Secret-Pass-99')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GoogleConnectorError);
    expect(error).toMatchObject({ type, retryable, status: failure.status });
    if (failure.retryAfter) expect((error as GoogleConnectorError).retryAfterMs).toBe(7000);
    expect(google.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toMatch(/Secret-Pass-99|ya29|GOCSPX/);
  });

  it('reports a connection reset as unavailable (retryable)', async () => {
    google.failNext({ method: 'GET' }, { resetConnection: true });
    await expect(connector.getUser(`jane@${DOMAIN}`)).rejects.toMatchObject({ type: 'GoogleUnavailable', retryable: true });
  });

  it('refuses a user outside the granted domain with 403, not worth retrying', async () => {
    google.users.set('eve@other.example', { ...google.users.get(`jane@${DOMAIN}`)!, id: '999', primaryEmail: 'eve@other.example' });
    await expect(connector.getUser('eve@other.example')).rejects.toMatchObject({ type: 'GooglePermissionDenied', retryable: false });
    await expect(connector.getUser(`ghost@${DOMAIN}`)).rejects.toMatchObject({ type: 'GoogleUserNotFound', retryable: false });
  });

  it('refreshes a token within 60 seconds of expiry before using it, and saves the new set first', async () => {
    connect(45);
    const before = stored.accessToken.reveal();
    await connector.getUser(`jane@${DOMAIN}`);
    expect(saves).toBe(1);
    expect(stored.accessToken.reveal()).not.toBe(before);
    expect(google.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /token', `GET /admin/directory/v1/users/jane%40${DOMAIN}`]);
    await connector.getUser(`jane@${DOMAIN}`);
    expect(saves).toBe(1);
  });

  it('answers a 401 with one refresh and one more try', async () => {
    google.oauth.expireAccessToken(stored.accessToken.reveal());
    await connector.getUser(`jane@${DOMAIN}`);
    expect(google.requests.map((request) => request.path)).toEqual([`/admin/directory/v1/users/jane%40${DOMAIN}`, '/token', `/admin/directory/v1/users/jane%40${DOMAIN}`]);
  });

  it('turns a revoked grant into "consent again" (invalid_grant), not retryable', async () => {
    await oauth.revoke(stored.refreshToken);
    await expect(connector.getUser(`jane@${DOMAIN}`)).rejects.toMatchObject({ type: 'GoogleReconsentRequired', retryable: false });
  });

  it('asks for consent with exactly the least-privilege scopes, offline', () => {
    const url = new URL(oauth.consentUrl('tenant.nonce'));
    expect(url.searchParams.get('scope')!.split(' ')).toEqual([...GOOGLE_SCOPES]);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('state')).toBe('tenant.nonce');
  });
});
