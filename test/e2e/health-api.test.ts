import { Logger } from '@nestjs/common';
import request from 'supertest';
import { freePort } from '../../libs/config/free-port';
import { startTestApi, type TestApi } from '../support/test-api';

/**
 * /health is public: when a dependency is down it answers 503 naming which one, and nothing of why (no
 * driver message, host, port or stack), which goes to the server's log instead.
 */
describe('HTTP API: /health with a dependency down', () => {
  const apis: TestApi[] = [];
  let warnings: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warnings.mockRestore());
  afterAll(async () => {
    for (const api of apis) await api.close();
  });

  async function healthWith(down: { databaseUrl?: string; temporalAddress?: string }): Promise<request.Response> {
    const api = await startTestApi({ withWorker: false, ...down });
    apis.push(api);
    return request(api.http).get('/health');
  }

  it('says only that Temporal is unreachable when it is, and logs why', async () => {
    const port = await freePort();
    const response = await healthWith({ temporalAddress: `127.0.0.1:${port}` });
    expect(response.status).toBe(503);
    // The whole answer: no driver message, host, port or stack.
    expect(response.body).toEqual({ statusCode: 503, code: 'service_unavailable', message: 'unreachable: temporal', details: [{ database: 'up', temporal: 'down' }] });
    expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/^temporal is unreachable: [\s\S]+/));
  });

  it('says only that PostgreSQL is unreachable when it is, and logs why', async () => {
    const port = await freePort();
    const response = await healthWith({ databaseUrl: `postgresql://custodian_app:not-the-password@127.0.0.1:${port}/custodian` });
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ statusCode: 503, code: 'service_unavailable', message: 'unreachable: database', details: [{ database: 'down', temporal: 'up' }] });
    expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/^database is unreachable: [\s\S]+/));
  });
});
