import request from 'supertest';
import { startTestApi, type TestApi } from '../support/test-api';
import { superuserConnection } from '../support/test-environment';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('HTTP API: the audit trail for auditors', () => {
  let api: TestApi;
  let tenantId: string;
  let adminKey: string;
  let auditorKey: string;
  let agentKey: string;

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false });
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `audit-${Date.now()}`, name: 'Audit Co' }).expect(201);
    tenantId = created.body.tenant.id;
    adminKey = created.body.adminApiKey.key;
    auditorKey = (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: 'the-auditor', role: 'auditor' }).expect(201)).body.key;
    agentKey = (await request(api.http).post('/v1/api-keys').set(bearer(adminKey)).send({ name: 'an-agent', role: 'agent' }).expect(201)).body.key;
  });

  afterAll(() => api.close());

  it('verifies the chain for an auditor, and names the broken seq after raw tampering', async () => {
    const ok = await request(api.http).get('/v1/audit/verify').set(bearer(auditorKey)).expect(200);
    expect(ok.body).toMatchObject({ ok: true, checkedEvents: 4, lastSeq: 4 });

    const attacker = await superuserConnection();
    try {
      await attacker.query('BEGIN');
      await attacker.query("SET LOCAL session_replication_role = 'replica'");
      await attacker.query("UPDATE audit_events SET details = '{\"role\": \"auditor\"}' WHERE tenant_id = $1 AND seq = 3", [tenantId]);
      await attacker.query('COMMIT');
    } finally {
      await attacker.end();
    }
    const broken = await request(api.http).get('/v1/audit/verify').set(bearer(auditorKey)).expect(200);
    expect(broken.body).toMatchObject({ ok: false, brokenSeq: 3, reason: 'altered' });
  });

  it('reports newest events cut off behind a rewound head, which the export shows signed before the cut', async () => {
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug: `cut-${Date.now()}`, name: 'Cut Co' }).expect(201);
    const victim = created.body.tenant.id as string;
    const victimAdmin = created.body.adminApiKey.key as string;
    for (const name of ['k1', 'k2', 'k3']) await request(api.http).post('/v1/api-keys').set(bearer(victimAdmin)).send({ name, role: 'agent' }).expect(201);
    const before = (await request(api.http).get('/v1/audit/export').set(bearer(victimAdmin)).expect(200)).text.split('\n')[0]!;
    const signedHead = JSON.parse(before);
    expect(signedHead).toMatchObject({ type: 'chain_head', signature: expect.stringMatching(/^[0-9a-f]{64}$/), lastAt: expect.any(String) });

    const attacker = await superuserConnection();
    try {
      await attacker.query('BEGIN');
      await attacker.query("SET LOCAL session_replication_role = 'replica'");
      await attacker.query('DELETE FROM audit_events WHERE tenant_id = $1 AND seq > $2', [victim, signedHead.lastSeq - 2]);
      await attacker.query(
        `UPDATE audit_heads h SET last_seq = e.seq, last_hash = e.hash, last_at = e.at, signed_seq = e.seq
         FROM audit_events e WHERE h.tenant_id = $1 AND e.tenant_id = $1 AND e.seq = $2`,
        [victim, signedHead.lastSeq - 2],
      );
      await attacker.query('COMMIT');
    } finally {
      await attacker.end();
    }
    const verdict = await request(api.http).get('/v1/audit/verify').set(bearer(victimAdmin)).expect(200);
    expect(verdict.body).toMatchObject({ ok: false, brokenSeq: signedHead.lastSeq - 2, reason: 'forged_head' });
    expect(verdict.body.message).toMatch(/does not match its signature/);
  });

  it('exports JSON Lines and CSV with the chain head, filtered by action', async () => {
    const jsonl = await request(api.http).get('/v1/audit/export?action=api_key.created').set(bearer(auditorKey)).expect(200);
    expect(jsonl.headers['content-type']).toContain('application/x-ndjson');
    expect(jsonl.headers['content-disposition']).toMatch(/attachment; filename="audit-.*\.jsonl"/);
    const lines = jsonl.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ type: 'chain_head', tenantId, filter: { actions: ['api_key.created'] } });
    expect(lines.slice(1).map((event) => event.action)).toEqual(['api_key.created', 'api_key.created', 'api_key.created']);
    const csv = await request(api.http).get('/v1/audit/export?format=csv').set(bearer(adminKey)).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split('\n')[0]).toBe('type,tenant_id,seq,at,actor,action,target,outcome,details,prev_hash,hash');
  });

  it('keeps the trail from agents and refuses bad filters with 400', async () => {
    await request(api.http).get('/v1/audit/verify').set(bearer(agentKey)).expect(403);
    await request(api.http).get('/v1/audit/export').set(bearer(agentKey)).expect(403);
    const badFormat = await request(api.http).get('/v1/audit/export?format=xml').set(bearer(auditorKey)).expect(400);
    expect(badFormat.body.code).toBe('validation_failed');
    await request(api.http).get('/v1/audit/export?from=yesterday').set(bearer(auditorKey)).expect(400);
    await request(api.http).get('/v1/audit/export?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z').set(bearer(auditorKey)).expect(400);
    await request(api.http).get('/v1/audit/export?action=DROP%20TABLE').set(bearer(auditorKey)).expect(400);
  });
});
