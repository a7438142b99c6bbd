import type { Client as PgClient } from 'pg';
import { appendAuditEvent, auditEventHash, AuditTrail, exportAuditLines, verifyAuditExport, type ExportedChainHead } from '../../../libs/audit';
import { pruneExpiredAuditEvents } from '../../../libs/audit/audit-retention';
import { TenantScopedDatabase, type PrismaClient } from '../../../libs/db';
import { appPrisma, insertTenant, ownerConnection, ownerQueryAsTenant, superuserConnection, testEnv } from '../../support/test-environment';

/**
 * The trail cannot be switched off by a setting, and cutting off its newest events shows even when whoever did
 * it also rewrote the chain head: only Custodian's processes, through the KMS, can sign a head.
 */
describe('audit trail: no maintenance switch, signed chain head (real PostgreSQL)', () => {
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let trail: AuditTrail;
  let owner: PgClient;
  let attacker: PgClient;

  beforeAll(async () => {
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    trail = new AuditTrail(db);
    owner = await ownerConnection();
    attacker = await superuserConnection();
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await owner.end();
    await attacker.end();
  });

  async function tenantWithEvents(count: number): Promise<string> {
    const tenantId = await insertTenant(owner);
    for (let i = 1; i <= count; i += 1) {
      await db.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor: 'test', action: 'ticket.created', target: `CT-${i}`, outcome: 'success' }));
    }
    return tenantId;
  }

  const eventCount = async (tenantId: string) =>
    Number((await attacker.query('SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1', [tenantId])).rows[0].n);

  /** Raw access as a superuser with triggers off: an insider with the database password, without the KMS. */
  async function asAttacker(tenantId: string, statements: string[]): Promise<void> {
    await attacker.query('BEGIN');
    await attacker.query("SET LOCAL session_replication_role = 'replica'");
    for (const statement of statements) await attacker.query(statement.replace(/\$tenant/g, `'${tenantId}'`));
    await attacker.query('COMMIT');
  }

  it('refuses the owner a DELETE however it dresses up: maintenance settings, or becoming the keeper role', async () => {
    const tenantId = await tenantWithEvents(3);
    for (const setting of ['prune', `tenant_deletion:${tenantId}`]) {
      await expect(
        ownerQueryAsTenant(owner, tenantId, `SELECT set_config('custodian.audit_maintenance', '${setting}', true); DELETE FROM audit_events WHERE tenant_id = '${tenantId}'`),
      ).rejects.toThrow(/append-only \(DELETE refused\)/);
    }
    await expect(
      ownerQueryAsTenant(owner, tenantId, `SET LOCAL ROLE custodian_audit_keeper; DELETE FROM audit_events WHERE tenant_id = '${tenantId}'`),
    ).rejects.toThrow(/append-only \(DELETE refused\)/);
    await expect(
      ownerQueryAsTenant(owner, tenantId, `SELECT set_config('custodian.audit_maintenance', 'prune', true); UPDATE audit_events SET actor = 'x' WHERE tenant_id = '${tenantId}'`),
    ).rejects.toThrow(/append-only/);
    // Nor can it, as the keeper, make a function of its own (in the schema, or temporary) that would delete as the keeper.
    for (const schema of ['public', 'pg_temp']) {
      await expect(
        ownerQueryAsTenant(
          owner,
          tenantId,
          `SET LOCAL ROLE custodian_audit_keeper;
           CREATE FUNCTION ${schema}.wipe() RETURNS void LANGUAGE sql SECURITY DEFINER AS 'DELETE FROM public.audit_events'`,
        ),
      ).rejects.toThrow(/permission denied/);
    }
    expect(await eventCount(tenantId)).toBe(3);
    expect(await trail.verify(tenantId)).toMatchObject({ ok: true, checkedEvents: 3 });
  });

  it('reports a trail whose newest events were deleted and whose head was rewound to match', async () => {
    const tenantId = await tenantWithEvents(5);
    const before = await exportText(tenantId);
    await asAttacker(tenantId, [
      'DELETE FROM audit_events WHERE tenant_id = $tenant AND seq > 3',
      `UPDATE audit_heads h SET last_seq = e.seq, last_hash = e.hash, last_at = e.at, signed_seq = e.seq
         FROM audit_events e WHERE h.tenant_id = $tenant AND e.tenant_id = $tenant AND e.seq = 3`,
    ]);
    expect(await eventCount(tenantId)).toBe(3);

    const verdict = await trail.verify(tenantId);
    expect(verdict).toMatchObject({ ok: false, brokenSeq: 3, reason: 'forged_head' });
    if (!verdict.ok) expect(verdict.message).toMatch(/does not match its signature/);

    // An export taken now carries the rewound head, which fails its signature wherever the KMS is reachable.
    const after = await exportText(tenantId);
    expect(await verifyAuditExport(after)).toMatchObject({ ok: true, lastSeq: 3 });
    expect(await verifyAuditExport(after, { signatureProblem: (head) => trail.signatureProblem(head.tenantId, head) })).toMatchObject({
      ok: false,
      reason: 'forged_head',
    });
    // The export taken before still verifies, signature included, and names the later head an auditor can compare.
    expect(await verifyAuditExport(before, { signatureProblem: (head) => trail.signatureProblem(head.tenantId, head) })).toMatchObject({ ok: true, lastSeq: 5 });
  });

  it('cannot tell a replayed older signed head by its signature, but an earlier export can', async () => {
    const tenantId = await tenantWithEvents(3);
    const backup = await attacker.query('SELECT last_seq, last_hash, last_at, signed_seq, head_mac FROM audit_heads WHERE tenant_id = $1', [tenantId]);
    for (let i = 0; i < 2; i += 1) {
      await db.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor: 'test', action: 'ticket.closed', outcome: 'success' }));
    }
    const earlier = JSON.parse((await exportText(tenantId)).split('\n')[0]!) as ExportedChainHead;
    expect(earlier).toMatchObject({ lastSeq: 5 });
    // The database goes back to its state at seq 3, head signature included (an old backup restored).
    const old = backup.rows[0];
    await asAttacker(tenantId, ['DELETE FROM audit_events WHERE tenant_id = $tenant AND seq > 3']);
    await attacker.query('BEGIN');
    await attacker.query("SET LOCAL session_replication_role = 'replica'");
    await attacker.query('UPDATE audit_heads SET last_seq = $2, last_hash = $3, last_at = $4, signed_seq = $5, head_mac = $6 WHERE tenant_id = $1', [
      tenantId,
      old.last_seq,
      old.last_hash,
      old.last_at,
      old.signed_seq,
      old.head_mac,
    ]);
    await attacker.query('COMMIT');

    expect(await trail.verify(tenantId)).toMatchObject({ ok: true, lastSeq: 3, lastAt: old.last_at.toISOString() });
    expect(await trail.regressionFrom(tenantId, earlier)).toMatchObject({ ok: false, brokenSeq: 5, reason: 'regressed' });
    expect(await trail.regressionFrom(tenantId, { lastSeq: 3, lastHash: earlier.lastHash })).toMatchObject({ reason: 'regressed' });
  });

  it('reports a head left unsigned, and a checkpoint forged to hide the oldest events', async () => {
    const unsigned = await tenantWithEvents(2);
    await asAttacker(unsigned, ['UPDATE audit_heads SET head_mac = NULL WHERE tenant_id = $tenant']);
    expect(await trail.verify(unsigned)).toMatchObject({ ok: false, reason: 'unsigned_head' });

    const forged = await tenantWithEvents(4);
    await asAttacker(forged, [
      `INSERT INTO audit_checkpoints (tenant_id, seq, hash, pruned_before, pruned_count)
         SELECT tenant_id, seq, hash, now(), 2 FROM audit_events WHERE tenant_id = $tenant AND seq = 2`,
      'DELETE FROM audit_events WHERE tenant_id = $tenant AND seq <= 2',
    ]);
    expect(await trail.verify(forged)).toMatchObject({ ok: false, brokenSeq: 2, reason: 'forged_checkpoint' });
  });

  it('refuses to commit an event whose head was not signed in its transaction', async () => {
    const tenantId = await tenantWithEvents(1);
    await expect(
      db.withTenant(tenantId, async (tx) => {
        const [head] = await tx.$queryRaw<{ last_seq: bigint; last_hash: Uint8Array; event_at: Date }[]>`SELECT * FROM audit_lock_head(${tenantId}::uuid)`;
        const event = { tenantId, seq: 2, actor: 'x', action: 'unsigned.event', target: null, outcome: 'success', details: {}, at: head!.event_at };
        const hash = auditEventHash(head!.last_hash, event);
        await tx.$executeRaw`
          INSERT INTO audit_events (tenant_id, seq, actor, action, outcome, details, at, prev_hash, hash)
          VALUES (${tenantId}::uuid, 2, 'x', 'unsigned.event', 'success', '{}'::jsonb, ${head!.event_at}, ${head!.last_hash}, ${hash})`;
      }),
    ).rejects.toThrow(/moved to seq 2 without a signature/);
    expect(await eventCount(tenantId)).toBe(1);
  });

  it('still prunes past retention through a signed checkpoint, and verifies after it', async () => {
    const tenantId = await tenantWithEvents(3);
    const threeYearsOn = new Date(Date.now() + 3 * 365 * 86_400_000);
    expect(await pruneExpiredAuditEvents(testEnv().ownerUrl, { now: threeYearsOn, tenantIds: [tenantId] })).toEqual([{ tenantId, pruned: 3 }]);
    await db.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor: 'test', action: 'test.after_prune', outcome: 'success' }));
    expect(await trail.verify(tenantId)).toMatchObject({ ok: true, checkedEvents: 1, lastSeq: 4 });
    const exported = await exportText(tenantId);
    expect(await verifyAuditExport(exported, { signatureProblem: (head) => trail.signatureProblem(head.tenantId, head) })).toMatchObject({ ok: true, checkedEvents: 1 });
  });

  async function exportText(tenantId: string): Promise<string> {
    const head = await trail.head(tenantId);
    const exportedHead: ExportedChainHead = {
      type: 'chain_head',
      tenantId,
      lastSeq: head.lastSeq,
      lastHash: head.lastHash,
      lastAt: head.lastAt,
      signature: head.signature,
      checkpoint: head.checkpoint,
      exportedAt: new Date().toISOString(),
      filter: { from: null, to: null, actions: null },
    };
    let text = '';
    for await (const line of exportAuditLines(exportedHead, trail.events(tenantId, {}, head.lastSeq), 'jsonl')) text += line;
    return text;
  }
});
