import { ConfigError } from '../../libs/config/config-error';
import { loadObservabilityConfig } from '../../libs/config/observability-config';

describe('observability settings', () => {
  it('reads the OpenTelemetry SDK\'s own endpoint variables, the traces one taken as it is', () => {
    expect(loadObservabilityConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlpTracesUrl).toBe('http://collector:4318/v1/traces');
    expect(loadObservabilityConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp' }).otlpTracesUrl).toBe('https://traces.example/otlp');
  });

  it('reads the worker addresses, the grace time, the DSN and the metrics token', () => {
    expect(
      loadObservabilityConfig({
        METRICS_TOKEN: 'a-long-enough-token',
        SENTRY_DSN: 'https://abc123@glitchtip.internal/7',
        SENTRY_ENVIRONMENT: 'production',
        WORKER_METRICS_ADDRESS: '0.0.0.0:9464',
        WORKER_HEALTH_ADDRESS: '[::1]:8081',
        WORKER_SHUTDOWN_GRACE_SECONDS: '90',
      }),
    ).toEqual({
      metricsToken: 'a-long-enough-token',
      otlpTracesUrl: undefined,
      sentryDsn: 'https://abc123@glitchtip.internal/7',
      sentryEnvironment: 'production',
      worker: { metricsAddress: '0.0.0.0:9464', healthAddress: '[::1]:8081', shutdownGraceSeconds: 90 },
    });
  });

  it.each([
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16 characters/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL/],
    [{ SENTRY_DSN: 'https://glitchtip.internal/7' }, /SENTRY_DSN must look like https:\/\/<key>@<host>\/<project id>/],
    [{ SENTRY_DSN: 'not a url' }, /SENTRY_DSN is not a URL/],
    [{ WORKER_METRICS_ADDRESS: '9464' }, /WORKER_METRICS_ADDRESS must be host:port/],
    [{ WORKER_HEALTH_ADDRESS: 'localhost:70000' }, /WORKER_HEALTH_ADDRESS must be host:port/],
    [{ WORKER_SHUTDOWN_GRACE_SECONDS: '-1' }, /WORKER_SHUTDOWN_GRACE_SECONDS must be an integer between 0 and 3600/],
  ])('refuses %j at start-up', (env, message) => {
    expect(() => loadObservabilityConfig(env)).toThrow(ConfigError);
    expect(() => loadObservabilityConfig(env)).toThrow(message);
  });
});
