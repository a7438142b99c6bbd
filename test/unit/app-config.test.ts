import { ConfigError, loadAppConfig } from '../../libs/config/app-config';

const base = { DATABASE_URL: 'postgresql://app:pw@127.0.0.1:5432/custodian', TEMPORAL_ADDRESS: '127.0.0.1:7233' };

describe('app config', () => {
  it('reads the environment with defaults for what is optional', () => {
    expect(loadAppConfig(base)).toEqual({
      databaseUrl: base.DATABASE_URL,
      temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'custodian' },
      api: { host: '127.0.0.1', port: 8080, bodyLimitBytes: 65536, codecCorsOrigins: [], trustProxy: 0 },
      logLevel: 'info',
      tenantLifecycle: {
        deletionBatchSize: 500,
        exportLinkSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        exportLinkTtlSeconds: 3600,
      },
      tickets: { attachmentMaxBytes: 10 * 1024 * 1024 },
      google: null,
      jira: null,
      // Nothing is sent anywhere and no extra port opens until configured.
      observability: { metricsToken: undefined, otlpTracesUrl: undefined, sentryDsn: undefined, sentryEnvironment: undefined, worker: { metricsAddress: undefined, healthAddress: undefined, shutdownGraceSeconds: 30 } },
    });
  });

  it('turns Google on with a client id and secret, its callback on this API unless told otherwise', () => {
    expect(loadAppConfig({ ...base, PORT: '9000', GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'GOCSPX-x', GOOGLE_API_ROOT_URL: 'http://127.0.0.1:8090' }).google).toEqual({
      clientId: 'id.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-x',
      redirectUri: 'http://127.0.0.1:9000/v1/integrations/google/callback',
      apiRootUrl: 'http://127.0.0.1:8090/',
      oauthBaseUrl: undefined,
    });
  });

  it('reads TRUST_PROXY as a number of proxy hops or the proxies\' addresses', () => {
    expect(loadAppConfig({ ...base, TRUST_PROXY: '2' }).api.trustProxy).toBe(2);
    expect(loadAppConfig({ ...base, TRUST_PROXY: ' 10.0.0.1, 10.1.0.0/16 ,fd00::/8, loopback' }).api.trustProxy).toEqual(['10.0.0.1', '10.1.0.0/16', 'fd00::/8', 'loopback']);
  });

  it.each([
    [{ TEMPORAL_ADDRESS: 'x:1' }, /DATABASE_URL is not set/],
    [{ ...base, DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ ...base, DATABASE_URL: 'not a url' }, /DATABASE_URL is not a URL/],
    [{ DATABASE_URL: base.DATABASE_URL }, /TEMPORAL_ADDRESS is not set/],
    [{ ...base, PORT: '99999' }, /PORT must be an integer between 0 and 65535/],
    [{ ...base, PORT: 'eighty' }, /PORT must be an integer/],
    [{ ...base, LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ ...base, CODEC_CORS_ORIGINS: 'http://localhost:8233/ui' }, /write the bare origin http:\/\/localhost:8233/],
    [{ ...base, TENANT_DELETION_BATCH_SIZE: '0' }, /TENANT_DELETION_BATCH_SIZE must be an integer between 1 and 10000/],
    [{ ...base, EXPORT_LINK_SECRET: 'short' }, /EXPORT_LINK_SECRET must be at least 32 characters/],
    [{ ...base, TRUST_PROXY: 'true' }, /TRUST_PROXY holds "true": write the number of proxy hops/],
    [{ ...base, TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY holds "10.0.0.0\/33"/],
    [{ ...base, TRUST_PROXY: '11' }, /TRUST_PROXY must be a number of proxy hops from 0 to 10/],
    [{ ...base, TICKET_ATTACHMENT_MAX_BYTES: '0' }, /TICKET_ATTACHMENT_MAX_BYTES must be an integer between 1 and 104857600/],
    [{ ...base, GOOGLE_CLIENT_ID: 'id' }, /GOOGLE_CLIENT_SECRET is not set/],
    [{ ...base, GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 's', GOOGLE_API_ROOT_URL: 'ftp://x' }, /GOOGLE_API_ROOT_URL must be an http\(s\) URL/],
  ])('stops with a clear message for %p', (env, message) => {
    expect(() => loadAppConfig(env)).toThrow(ConfigError);
    expect(() => loadAppConfig(env)).toThrow(message);
  });
});
