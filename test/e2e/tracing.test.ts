import request from 'supertest';
import { PASSWORD_RESET_WORKFLOW } from '../../libs/contracts';
import { startTracing, type Tracing } from '../../libs/observability/tracing';
import { startGoogleWorkspaceSimulator, type GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';
import { startOtlpTraceCollector, type CollectedSpan, type OtlpTraceCollector } from '../fakes/otlp/otlp-trace-collector';
import { connectTenantToGoogle, googleSimulatorEnv } from '../support/google-workspace';
import { startTestApi, type TestApi } from '../support/test-api';
import { until } from '../support/until';

const DOMAIN = 'traced.example';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const SERVER = 2;
const CLIENT = 3;

/**
 * An operator follows one password reset in their tracing backend: a single trace from the API request through
 * the workflow and its activities to the call Google answered, exported over OTLP/HTTP to a collector.
 */
describe('Tracing: one trace from the API request to Google', () => {
  let collector: OtlpTraceCollector;
  let tracing: Tracing;
  let google: GoogleWorkspaceSimulator;
  let api: TestApi;

  beforeAll(async () => {
    collector = await startOtlpTraceCollector();
    // API and worker share this process here, so one provider serves both (in production each has its own).
    tracing = startTracing({ serviceName: 'custodian-test', otlpTracesUrl: `${collector.endpoint}/v1/traces` });
    google = await startGoogleWorkspaceSimulator({ domain: DOMAIN });
    api = await startTestApi({ env: googleSimulatorEnv(google), tracing });
  });

  afterAll(async () => {
    await api?.close();
    await tracing?.shutdown();
    await google?.stop();
    await collector?.stop();
  });

  it('links the POST, the workflow start and run, each activity and the Google HTTP call under one trace id', async () => {
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `trace-${Date.now()}`, name: 'Traced LLP' }).expect(201);
    const key = created.body.adminApiKey.key as string;
    await connectTenantToGoogle(api.credentials, google, created.body.tenant.id, DOMAIN);
    const ticket = await request(api.http).post('/v1/tickets').set(bearer(key)).send({ type: 'password_reset', summary: 'locked out', requester: `jane@${DOMAIN}` }).expect(201);
    const started = await request(api.http).post('/v1/password-resets').set(bearer(key)).send({ ticketRef: ticket.body.ref, userEmail: `jane@${DOMAIN}` }).expect(202);
    const done = await until(async () => (await request(api.http).get(started.body.statusUrl).set(bearer(key)).expect(200)).body, (body) => body.status !== 'RUNNING');
    expect(done.status).toBe('COMPLETED');

    const post = await until(
      async () => {
        await tracing.flush();
        return collector.spans.find((span) => span.kind === SERVER && span.attributes['http.method'] === 'POST' && span.attributes['http.target'] === '/v1/password-resets');
      },
      (span) => span !== undefined,
    );
    expect(post).toBeDefined();
    const googleOrigin = new URL(google.rootUrl);
    const inTrace = async () => {
      await tracing.flush();
      return collector.spans.filter((span) => span.traceId === post!.traceId);
    };
    const hasEverything = (spans: CollectedSpan[]) =>
      [`StartWorkflow:${PASSWORD_RESET_WORKFLOW}`, `RunWorkflow:${PASSWORD_RESET_WORKFLOW}`, 'RunActivity:lookUpGoogleUser', 'RunActivity:setTemporaryPassword'].every((name) => spans.some((span) => span.name === name)) &&
      spans.some((span) => span.kind === CLIENT && String(span.attributes['server.port']) === googleOrigin.port);
    const spans = await until(inTrace, hasEverything);

    const named = (name: string) => spans.find((span) => span.name === name);
    // Parent links, not only a shared id: request -> start -> run -> activity -> Google call.
    expect(named(`StartWorkflow:${PASSWORD_RESET_WORKFLOW}`)).toBeDefined();
    expect(named(`RunWorkflow:${PASSWORD_RESET_WORKFLOW}`)?.parentSpanId).toBe(named(`StartWorkflow:${PASSWORD_RESET_WORKFLOW}`)?.spanId);
    const setPassword = named('RunActivity:setTemporaryPassword')!;
    const googleCalls = spans.filter((span) => span.kind === CLIENT && String(span.attributes['server.port']) === googleOrigin.port);
    expect(googleCalls.some((call) => call.parentSpanId === setPassword.spanId && call.attributes['http.request.method'] === 'PUT')).toBe(true);
    expect(ancestors(spans, setPassword)).toContain(post!.spanId);
    // What Google was sent stays out of the trace: no token or password in any attribute.
    const recorded = JSON.stringify(collector.spans);
    expect(recorded).not.toMatch(/ya29\.|Bearer /);
    expect(recorded).not.toContain(google.passwordsSet[0].password);
  });
});

function ancestors(spans: CollectedSpan[], span: CollectedSpan): string[] {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  const found: string[] = [];
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) found.push(parent.spanId);
  return found;
}
