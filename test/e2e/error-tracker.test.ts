import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { TenantScopedDatabase } from '../../libs/db';
import { startErrorTracking, type ErrorTracking } from '../../libs/observability/error-tracking';
import { startSentryEnvelopeCollector, type SentryEnvelopeCollector, type TrackedEvent } from '../fakes/error-tracker/sentry-envelope-collector';
import { startTestApi, type TestApi } from '../support/test-api';
import { startTestWorker } from '../support/test-environment';
import { until } from '../support/until';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** A Google token pair as an error might carry it: in its message and in the client's request and response. */
function leakyError(message: string) {
  const accessToken = `ya29.a0Af${randomBytes(24).toString('base64url')}`;
  const refreshToken = `1//0g${randomBytes(24).toString('base64url')}`;
  const error = Object.assign(new Error(`${message}: token ${accessToken} was refused (refresh_token=${refreshToken})`), {
    config: { url: 'https://admin.googleapis.com/admin/directory/v1/users', headers: { Authorization: `Bearer ${accessToken}` } },
    response: { status: 400, data: { error: 'invalid_grant', refresh_token: refreshToken } },
  });
  return { error, secrets: [accessToken, refreshToken, accessToken.slice(5), refreshToken.slice(3)] };
}

/**
 * An operator sees the API's and the worker's unexpected errors in their self-hosted tracker (GlitchTip or
 * Sentry), with what identifies them, and never a token: reports are scrubbed like the logs.
 */
describe('Error tracker: unexpected errors reach it scrubbed', () => {
  let tracker: SentryEnvelopeCollector;
  let tracking: ErrorTracking;
  let api: TestApi;
  let adminKey: string;
  let errors: jest.SpyInstance;

  beforeAll(async () => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    tracker = await startSentryEnvelopeCollector();
    tracking = startErrorTracking({ dsn: tracker.dsn, serviceName: 'custodian-test', processHandlers: false });
    api = await startTestApi({ withWorker: false });
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `tracked-${Date.now()}`, name: 'Tracked LLP' }).expect(201);
    adminKey = created.body.adminApiKey.key;
  });

  afterAll(async () => {
    await api?.close();
    await tracking?.close();
    await tracker?.stop();
    errors.mockRestore();
  });

  async function reportOf(marker: string): Promise<TrackedEvent | undefined> {
    return until(
      async () => {
        await tracking.flush();
        return tracker.events.find((event) => event.exception?.values?.some((value) => value.value?.includes(marker)));
      },
      (event) => event !== undefined,
    );
  }

  it('an unexpected 500 of the API: the error, its fields and its message arrive without the tokens or the caller key', async () => {
    const { error, secrets } = leakyError(`listing integrations with ${adminKey}`);
    jest.spyOn(api.credentials, 'list').mockRejectedValueOnce(error);
    const response = await request(api.http).get('/v1/integrations').set(bearer(adminKey)).expect(500);
    expect(response.body).toEqual({ statusCode: 500, code: 'internal_error', message: 'internal error' });

    const event = await reportOf('listing integrations with');
    expect(event).toBeDefined();
    const message = event!.exception!.values!.find((value) => value.value?.includes('listing integrations'))!.value!;
    expect(message).toMatch(/^listing integrations with ck_[0-9a-f]{32}_\[redacted\]: token ya29\.\[redacted\] was refused \(refresh_token=\[redacted\]\)$/);
    // The error's own fields came along (extra data), with the credentials in them censored.
    expect(JSON.stringify(event!.contexts)).toContain('"Authorization":"[redacted]"');
    expect(JSON.stringify(event!.contexts)).toContain('invalid_grant');
    const everything = tracker.rawBodies.join('\n');
    for (const secret of [...secrets, adminKey, adminKey.split('_')[2]]) expect(everything).not.toContain(secret);
  });

  it("a worker activity's unexpected error: reported with the activity, without the tokens", async () => {
    const { error, secrets } = leakyError('refreshing the Workspace grant');
    const worker = await startTestWorker(new TenantScopedDatabase(api.prisma), {
      google: {
        directoryFor: async () => {
          throw error;
        },
      },
    });
    try {
      const ticket = await request(api.http).post('/v1/tickets').set(bearer(adminKey)).send({ type: 'password_reset', summary: 'locked out', requester: 'kim@tracked.example' }).expect(201);
      const started = await request(api.http).post('/v1/password-resets').set(bearer(adminKey)).send({ ticketRef: ticket.body.ref, userEmail: 'kim@tracked.example' }).expect(202);
      const event = await reportOf('refreshing the Workspace grant');
      await api.temporal.workflow.getHandle(started.body.workflowId).terminate('test done');
      expect(event).toBeDefined();
      expect(event!.extra).toMatchObject({ activityType: 'lookUpGoogleUser', workflowType: 'passwordResetWorkflow', attempt: 1 });
      expect(JSON.stringify(event!.contexts)).toContain('"Authorization":"[redacted]"');
      const everything = tracker.rawBodies.join('\n');
      for (const secret of secrets) expect(everything).not.toContain(secret);
    } finally {
      await worker.stop();
    }
  });
});
