import request from 'supertest';
import { startTestApi, type TestApi } from '../support/test-api';

const REPORTS_PER_MINUTE = 2;
// Not a valid report: refused with 400 after the rate limit has counted it, so nothing is stored or started.
const INVALID_REPORT = { summary: 'x', details: 'x', reporterEmail: 'not-an-email' };

/**
 * The public report form's per-address limit behind a reverse proxy (TRUST_PROXY): keyed on the client the
 * trusted proxy names; an X-Forwarded-For the API has no reason to believe changes nothing. The test's
 * requests come from 127.0.0.1, which plays the proxy.
 */
describe('HTTP API: the report form rate limit and TRUST_PROXY', () => {
  const apis: TestApi[] = [];
  let previousLimit: string | undefined;

  beforeAll(() => {
    previousLimit = process.env.SECURITY_REPORTS_PER_MINUTE;
    process.env.SECURITY_REPORTS_PER_MINUTE = String(REPORTS_PER_MINUTE);
  });
  afterAll(async () => {
    for (const api of apis) await api.close();
    if (previousLimit === undefined) delete process.env.SECURITY_REPORTS_PER_MINUTE;
    else process.env.SECURITY_REPORTS_PER_MINUTE = previousLimit;
  });

  async function api(env: Record<string, string>): Promise<TestApi> {
    const started = await startTestApi({ withWorker: false, env });
    apis.push(started);
    return started;
  }

  /** The statuses of reports sent with these X-Forwarded-For headers, one request each, in order. */
  async function report(target: TestApi, forwardedFor: string[]): Promise<number[]> {
    const statuses: number[] = [];
    for (const header of forwardedFor) statuses.push((await request(target.http).post('/v1/security-reports').set('X-Forwarded-For', header).send(INVALID_REPORT)).status);
    return statuses;
  }

  it('keys on the client a trusted proxy names: each client gets its own allowance', async () => {
    const behindProxy = await api({ TRUST_PROXY: '1' });
    expect(await report(behindProxy, ['203.0.113.7', '203.0.113.7', '203.0.113.7'])).toEqual([400, 400, 429]);
    expect(await report(behindProxy, ['198.51.100.4', '198.51.100.4'])).toEqual([400, 400]);
    // A client's own X-Forwarded-For ahead of the proxy's entry is not believed: the proxy's last entry counts.
    expect(await report(behindProxy, ['10.0.0.1, 203.0.113.7', '10.0.0.2, 203.0.113.7'])).toEqual([429, 429]);
  });

  it('trusts listed proxy addresses the same way', async () => {
    const behindProxy = await api({ TRUST_PROXY: 'loopback' });
    expect(await report(behindProxy, ['203.0.113.7', '203.0.113.7', '203.0.113.7', '198.51.100.4'])).toEqual([400, 400, 429, 400]);
  });

  it('ignores X-Forwarded-For from a peer it does not trust: by default, or when the listed proxy is another', async () => {
    const settings: Record<string, string>[] = [{}, { TRUST_PROXY: '10.9.8.7' }];
    for (const env of settings) {
      const direct = await api(env);
      expect(await report(direct, ['203.0.113.7', '198.51.100.4', '192.0.2.1'])).toEqual([400, 400, 429]);
    }
  });
});
