import type { Client as PgClient } from 'pg';
import { appendAuditEvent, AuditTrail, exportAuditLines, verifyAuditExport, type ExportedChainHead } from '../../../libs/audit';
import { pruneExpiredAuditEvents } from '../../../libs/audit/audit-retention';
import { TenantScopedDatabase, type PrismaClient } from '../../../libs/db';
import { appPrisma, insertTenant, ownerConnection, ownerQueryAsTenant, superuserConnection, testEnv } from '../../support/test-environment';

describe('tamper-evident audit trail (real PostgreSQL)', () => {
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
      await db.withTenant(tenantId, (tx) =>
        appendAuditEvent(tx, tenantId, { actor: 'test', action: i % 2 ? 'ticket.created' : 'ticket.triaged', target: `CT-${i}`, outcome: 'success', details: { i, note: 'ünïcode "quoted"' } }),
      );
    }
    return tenantId;
  }

  /** Raw access as a superuser with triggers off: what an insider with the database password could do. */
  async function tamper(tenantId: string, sql: string): Promise<void> {
    await attacker.query('BEGIN');
    await attacker.query("SET LOCAL session_replication_role = 'replica'");
    await attacker.query(sql.replace(/\$tenant/g, `'${tenantId}'`));
    await attacker.query('COMMIT');
  }

  it('keeps seq gapless and the chain unforked with 50 parallel writers on one tenant', async () => {
    const tenantId = await insertTenant(owner);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        db.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor: `writer-${i}`, action: 'test.parallel', outcome: 'success' })),
      ),
    );
    const rows = await db.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ orderBy: { seq: 'asc' } }));
    expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(rows.map((row) => row.prevHash && Buffer.from(row.prevHash).toString('hex'))).size).toBe(50);
    expect(await trail.verify(tenantId)).toMatchObject({ ok: true, checkedEvents: 50, lastSeq: 50 });
  });

  it('rolls an event back with the change it records, leaving no gap', async () => {
    const tenantId = await tenantWithEvents(2);
    await expect(
      db.withTenant(tenantId, async (tx) => {
        await appendAuditEvent(tx, tenantId, { actor: 'test', action: 'test.doomed', outcome: 'success' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const next = await db.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor: 'test', action: 'test.after', outcome: 'success' }));
    expect(next.seq).toBe(3);
    expect((await trail.verify(tenantId)).ok).toBe(true);
  });

  it('reports the first broken seq when a row is altered', async () => {
    const tenantId = await tenantWithEvents(6);
    await tamper(tenantId, "UPDATE audit_events SET actor = 'someone-else' WHERE tenant_id = $tenant AND seq = 4");
    expect(await trail.verify(tenantId)).toMatchObject({ ok: false, brokenSeq: 4, reason: 'altered' });
  });

  it('reports the first broken seq when a row is removed, in the middle or at the end', async () => {
    const middle = await tenantWithEvents(6);
    await tamper(middle, 'DELETE FROM audit_events WHERE tenant_id = $tenant AND seq = 3');
    expect(await trail.verify(middle)).toMatchObject({ ok: false, brokenSeq: 3, reason: 'missing' });
    const tail = await tenantWithEvents(6);
    await tamper(tail, 'DELETE FROM audit_events WHERE tenant_id = $tenant AND seq = 6');
    expect(await trail.verify(tail)).toMatchObject({ ok: false, brokenSeq: 6, reason: 'missing' });
  });

  it('reports the first broken seq when rows are reordered', async () => {
    const tenantId = await tenantWithEvents(6);
    await tamper(
      tenantId,
      `UPDATE audit_events SET seq = 1000 WHERE tenant_id = $tenant AND seq = 2;
       UPDATE audit_events SET seq = 2 WHERE tenant_id = $tenant AND seq = 5;
       UPDATE audit_events SET seq = 5 WHERE tenant_id = $tenant AND seq = 1000;`,
    );
    const result = await trail.verify(tenantId);
    expect(result).toMatchObject({ ok: false, brokenSeq: 2 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE even for the owner, and pruning for the app role', async () => {
    const tenantId = await tenantWithEvents(1);
    await expect(ownerQueryAsTenant(owner, tenantId, "UPDATE audit_events SET actor = 'x'")).rejects.toThrow(/append-only/);
    await expect(ownerQueryAsTenant(owner, tenantId, 'DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(ownerQueryAsTenant(owner, tenantId, 'TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    await expect(
      db.withTenant(tenantId, (tx) => tx.$queryRaw`SELECT audit_prune_before(${tenantId}::uuid, now())`),
    ).rejects.toThrow(/permission denied/);
    await expect(
      db.withTenant(tenantId, (tx) => tx.$executeRaw`UPDATE audit_heads SET last_seq = 0`),
    ).rejects.toThrow(/permission denied/);
    expect((await trail.verify(tenantId)).ok).toBe(true);
  });

  it('refuses an event that does not extend the chain', async () => {
    const tenantId = await tenantWithEvents(2);
    await expect(
      db.withTenant(tenantId, async (tx) => {
        await tx.$queryRaw`SELECT * FROM audit_lock_head(${tenantId}::uuid)`;
        await tx.$executeRaw`INSERT INTO audit_events (tenant_id, seq, actor, action, outcome, hash) VALUES (${tenantId}::uuid, 7, 'x', 'forged.event', 'success', ${Buffer.alloc(32)})`;
      }),
    ).rejects.toThrow(/does not extend the chain/);
  });

  it('exports JSON Lines that verify offline, and fail offline once edited', async () => {
    const tenantId = await tenantWithEvents(5);
    const jsonl = await exportText(tenantId, 'jsonl');
    const lines = jsonl.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'chain_head', lastSeq: 5 });
    expect(await verifyAuditExport(jsonl)).toMatchObject({ ok: true, checkedEvents: 5 });

    const edited = lines.map((line, index) => (index === 3 ? line.replace('"outcome":"success"', '"outcome":"failure"') : line)).join('\n');
    expect(await verifyAuditExport(edited)).toMatchObject({ ok: false, brokenSeq: 3, reason: 'altered' });
    const dropped = lines.filter((_, index) => index !== 2).join('\n');
    expect(await verifyAuditExport(dropped)).toMatchObject({ ok: false, brokenSeq: 2, reason: 'missing' });
  });

  it('exports filtered by action and time range, still verifiable event by event', async () => {
    const tenantId = await tenantWithEvents(6);
    const jsonl = await exportText(tenantId, 'jsonl', { actions: ['ticket.triaged'] });
    const events = jsonl.trim().split('\n').slice(1).map((line) => JSON.parse(line));
    expect(events.map((event) => event.seq)).toEqual([2, 4, 6]);
    expect(await verifyAuditExport(jsonl)).toMatchObject({ ok: true, checkedEvents: 3 });
    const future = await exportText(tenantId, 'jsonl', { from: new Date(Date.now() + 60_000) });
    expect(future.trim().split('\n')).toHaveLength(1);
  });

  it('exports CSV with the chain head row and one row per event', async () => {
    const tenantId = await tenantWithEvents(3);
    const csv = await exportText(tenantId, 'csv');
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('type,tenant_id,seq,at,actor,action,target,outcome,details,prev_hash,hash');
    expect(rows[1]).toMatch(new RegExp(`^chain_head,${tenantId},3,`));
    expect(rows.slice(2).map((row) => row.split(',')[0])).toEqual(['event', 'event', 'event']);
    expect(rows[2]).toContain('"{""i"":1,""note"":""ünïcode \\""quoted\\""""}"');
  });

  it('prunes only past retention, through a checkpoint the remaining chain verifies from', async () => {
    const tenantId = await tenantWithEvents(4);
    expect(await pruneExpiredAuditEvents(testEnv().ownerUrl, { tenantIds: [tenantId] })).toEqual([{ tenantId, pruned: 0 }]);
    const threeYearsOn = new Date(Date.now() + 3 * 365 * 86_400_000);
    expect(await pruneExpiredAuditEvents(testEnv().ownerUrl, { now: threeYearsOn, tenantIds: [tenantId] })).toEqual([{ tenantId, pruned: 4 }]);
    await db.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor: 'test', action: 'test.after_prune', outcome: 'success' }));
    expect(await trail.verify(tenantId)).toMatchObject({ ok: true, checkedEvents: 1, lastSeq: 5 });
    const head = await trail.head(tenantId);
    expect(head.checkpoint).toMatchObject({ seq: 4, signature: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verifyAuditExport(await exportText(tenantId, 'jsonl'))).toMatchObject({ ok: true, checkedEvents: 1 });
  });

  async function exportText(tenantId: string, format: 'jsonl' | 'csv', filter: { from?: Date; actions?: string[] } = {}) {
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
      filter: { from: filter.from?.toISOString() ?? null, to: null, actions: filter.actions ?? null },
    };
    let text = '';
    for await (const line of exportAuditLines(exportedHead, trail.events(tenantId, filter, head.lastSeq), format)) text += line;
    return text;
  }
});
