import request from 'supertest';
import { tenantDeletionWorkflowId } from '../../libs/contracts';
import { startTestApi, type TestApi } from '../support/test-api';
import { until } from '../support/until';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * A caller whose cancellation's answer was lost (a 503, a dropped connection) sends it again. The deletion was
 * cancelled, so the repeat must say so (200, the cancelled deletion), whether the workflow is still finishing the
 * cancellation or has ended, and not claim that the grace period is over. Found by the chaos run.
 */
describe('cancelling a tenant deletion again', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers the same cancelled deletion while the workflow finishes and after it ended', async () => {
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `cancel-twice-${Date.now()}`, name: 'Cancel twice' }).expect(201);
    const admin = created.body.adminApiKey.key as string;
    const tenantId = created.body.tenant.id as string;
    await request(api.http).post('/v1/tenant/deletion').set(bearer(admin)).send({ requesterEmail: 'jane@acme.example' }).expect(202);

    const first = await request(api.http).delete('/v1/tenant/deletion').set(bearer(admin)).expect(200);
    expect(first.body).toMatchObject({ phase: 'cancelled', cancelledBy: expect.any(String) });
    const again = await request(api.http).delete('/v1/tenant/deletion').set(bearer(admin));
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: first.body });

    const handle = api.temporal.workflow.getHandle(tenantDeletionWorkflowId(tenantId));
    await until(
      async () => (await handle.describe()).status.name,
      (status) => status === 'COMPLETED',
    );
    const afterEnd = await request(api.http).delete('/v1/tenant/deletion').set(bearer(admin));
    expect({ status: afterEnd.status, body: afterEnd.body }).toEqual({ status: 200, body: first.body });
    await request(api.http).get('/v1/tenant').set(bearer(admin)).expect(200);
  });
});
