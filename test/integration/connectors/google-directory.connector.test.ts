import { GoogleApiError } from '../../../libs/connectors/google/google-errors';
import { GoogleDirectoryConnector } from '../../../libs/connectors/google/google-directory.connector';
import { startGoogleDirectorySimulator, type ScriptedFailure } from '../../fakes/google/google-directory-simulator';

const TOKEN = 'ya29.simulated-access-token';

describe('Google Directory connector (real googleapis client, simulated Google over HTTP)', () => {
  let google: Awaited<ReturnType<typeof startGoogleDirectorySimulator>>;
  let connector: GoogleDirectoryConnector;

  beforeAll(async () => {
    google = await startGoogleDirectorySimulator({ domain: 'acme.example', accessToken: TOKEN });
    connector = new GoogleDirectoryConnector({ accessToken: async () => TOKEN, rootUrl: google.rootUrl });
  });

  afterAll(() => google.stop());
  beforeEach(() => google.requests.splice(0));

  it('reads a user, with admin flags, suspension reason and Google request id', async () => {
    const root = await connector.getUser('root@acme.example');
    expect(root).toMatchObject({ primaryEmail: 'root@acme.example', isAdmin: true, suspended: false, requestId: expect.any(String) });
    expect(await connector.getUser('spammer@acme.example')).toMatchObject({ suspended: true, suspensionReason: 'ABUSE' });
  });

  it('sets every password with changePasswordAtNextLogin: true', async () => {
    await connector.setPassword('jane@acme.example', 'Temp-Pass-1234!');
    const sets = google.requests.filter((request) => request.body && 'password' in request.body);
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ method: 'PUT', path: '/admin/directory/v1/users/jane%40acme.example', body: { changePasswordAtNextLogin: true } });
    expect(google.users.get('jane@acme.example')!.changePasswordAtNextLogin).toBe(true);
  });

  it('suspends, unsuspends and signs out', async () => {
    await connector.setSuspended('jane@acme.example', true);
    expect(google.users.get('jane@acme.example')!.suspended).toBe(true);
    await connector.setSuspended('jane@acme.example', false);
    expect(google.users.get('jane@acme.example')!.suspended).toBe(false);
    await connector.signOut('jane@acme.example');
    expect(google.requests.map((request) => `${request.method} ${request.path}`)).toContain('POST /admin/directory/v1/users/jane%40acme.example/signOut');
  });

  it.each<[ScriptedFailure, string, boolean]>([
    [{ status: 404, reason: 'notFound' }, 'GoogleUserNotFound', false],
    [{ status: 403, reason: 'forbidden' }, 'GooglePermissionDenied', false],
    [{ status: 403, reason: 'userRateLimitExceeded' }, 'GoogleRateLimited', true],
    [{ status: 403, reason: 'quotaExceeded' }, 'GoogleRateLimited', true],
    [{ status: 429, reason: 'rateLimitExceeded', retryAfterSeconds: 7 }, 'GoogleRateLimited', true],
    [{ status: 503, reason: 'backendError' }, 'GoogleUnavailable', true],
    [{ status: 400, reason: 'invalid' }, 'GoogleInvalidRequest', false],
  ])('maps %p to %s (retryable %p), with one request and no retry by the client', async (failure, type, retryable) => {
    google.failNext(failure);
    const error = await connector.setPassword('jane@acme.example', 'Secret-Pass-99').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GoogleApiError);
    expect(error).toMatchObject({ type, retryable, status: failure.status });
    if (failure.retryAfterSeconds) expect((error as GoogleApiError).retryAfterMs).toBe(7000);
    expect(google.requests).toHaveLength(1);
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toMatch(/Secret-Pass-99|simulated-access-token/);
  });

  it('reports an unknown user as not found, which is not worth retrying', async () => {
    await expect(connector.getUser('ghost@acme.example')).rejects.toMatchObject({ type: 'GoogleUserNotFound', retryable: false });
  });
});
