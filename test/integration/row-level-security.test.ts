import type { Client as PgClient } from 'pg';
import { Client } from 'pg';
import { appendAuditEvent } from '../../libs/audit';
import { assertRowLevelSecurity, DatabaseSecurityError, TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { createPrismaClient } from '../../libs/db/prisma-client';
import { appPrisma, insertTenant, ownerConnection, ownerQueryAsTenant, testEnv } from '../support/test-environment';

describe('tenant isolation in PostgreSQL (app role, real server)', () => {
  let owner: PgClient;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    owner = await ownerConnection();
    prisma = appPrisma();
    db = new TenantScopedDatabase(prisma);
    tenantA = await insertTenant(owner);
    tenantB = await insertTenant(owner);
    for (const [tenantId, ref] of [
      [tenantA, 'CT-000001'],
      [tenantA, 'CT-000002'],
      [tenantB, 'CT-000001'],
    ] as const) {
      await ownerQueryAsTenant(
        owner,
        tenantId,
        `INSERT INTO tickets (tenant_id, ref, type, status, summary, priority, requester, workflow_id)
         VALUES ($1, $2, 'general', 'new', 'seeded', 'normal', 'someone@example.com', 'wf')`,
        [tenantId, ref],
      );
    }
  });

  afterAll(async () => {
    await owner.end();
    await prisma.$disconnect();
  });

  it('shows a query without a tenant filter only the rows of its own tenant', async () => {
    const seen = await db.withTenant(tenantA, (tx) => tx.ticket.findMany({ select: { tenantId: true } }));
    expect(seen).toHaveLength(2);
    expect(new Set(seen.map((row) => row.tenantId))).toEqual(new Set([tenantA]));
    const raw = await db.withTenant(tenantB, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM tickets`);
    expect(Number(raw[0]!.n)).toBe(1);
  });

  it('rejects writing a row that names another tenant', async () => {
    await expect(
      db.withTenant(tenantA, (tx) =>
        tx.ticket.create({
          data: {
            tenantId: tenantB,
            ref: 'CT-000099',
            type: 'general',
            status: 'new',
            summary: 'smuggled',
            priority: 'normal',
            requester: 'x@example.com',
            workflowId: 'wf',
          },
        }),
      ),
    ).rejects.toThrow(/row-level security/i);
    for (const tenantId of [tenantA, tenantB]) {
      const { rows } = await ownerQueryAsTenant(owner, tenantId, "SELECT count(*)::int AS n FROM tickets WHERE summary = 'smuggled'");
      expect(rows[0].n).toBe(0);
    }
  });

  it('cannot move a row to another tenant or touch another tenant by id', async () => {
    const victim = await ownerQueryAsTenant(owner, tenantB, 'SELECT id FROM tickets LIMIT 1');
    const updated = await db.withTenant(tenantA, (tx) =>
      tx.ticket.updateMany({ where: { id: victim.rows[0]!.id }, data: { summary: 'hijacked' } }),
    );
    expect(updated.count).toBe(0);
    await expect(
      db.withTenant(tenantA, (tx) => tx.ticket.updateMany({ where: {}, data: { tenantId: tenantB } })),
    ).rejects.toThrow(/row-level security/i);
  });

  it('sees nothing at all without a tenant context (fails closed)', async () => {
    expect(await prisma.ticket.count()).toBe(0);
    expect(await prisma.tenant.count()).toBe(0);
    expect(await prisma.auditEvent.count()).toBe(0);
    // A pooled connection that carried a context in an earlier transaction does not keep it.
    await db.withTenant(tenantA, (tx) => tx.ticket.count());
    expect(await prisma.ticket.count()).toBe(0);
  });

  it('refuses UPDATE and DELETE on the audit trail for the app role', async () => {
    const { seq } = await db.withTenant(tenantA, (tx) =>
      appendAuditEvent(tx, tenantA, { actor: 'test', action: 'test.event', outcome: 'success' }),
    );
    await expect(
      db.withTenant(tenantA, (tx) => tx.$executeRaw`UPDATE audit_events SET actor = 'mallory' WHERE seq = ${seq}`),
    ).rejects.toThrow(/permission denied/i);
    await expect(
      db.withTenant(tenantA, (tx) => tx.$executeRaw`DELETE FROM audit_events WHERE seq = ${seq}`),
    ).rejects.toThrow(/permission denied/i);
    const kept = await db.withTenant(tenantA, (tx) => tx.auditEvent.findMany({ where: { seq } }));
    expect(kept.map((event) => event.actor)).toEqual(['test']);
  });

  it('numbers audit events per tenant without gaps, even from concurrent writers', async () => {
    const tenant = await insertTenant(owner);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.withTenant(tenant, (tx) => appendAuditEvent(tx, tenant, { actor: 'test', action: 'test.parallel', outcome: 'success', details: { i } })),
      ),
    );
    const seqs = await db.withTenant(tenant, (tx) => tx.auditEvent.findMany({ select: { seq: true }, orderBy: { seq: 'asc' } }));
    expect(seqs.map((row) => Number(row.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('connects as a role that is neither superuser nor BYPASSRLS nor owner, and the start-up check passes', async () => {
    const client = new Client({ connectionString: testEnv().databaseUrl });
    await client.connect();
    const { rows } = await client.query(
      'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    await client.end();
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    await expect(assertRowLevelSecurity(prisma)).resolves.toBeUndefined();
  });

  it('refuses to start as a member of the audit keeper role', async () => {
    const superuser = new Client({ connectionString: testEnv().superuserUrl });
    await superuser.connect();
    try {
      await superuser.query('GRANT custodian_audit_keeper TO custodian_app WITH INHERIT FALSE');
      await expect(assertRowLevelSecurity(prisma)).rejects.toThrow(/member of custodian_audit_keeper/);
    } finally {
      await superuser.query('REVOKE custodian_audit_keeper FROM custodian_app');
      await superuser.end();
    }
    await expect(assertRowLevelSecurity(prisma)).resolves.toBeUndefined();
  });

  it('refuses to start as the owner of the tables', async () => {
    const asOwner = createPrismaClient(testEnv().ownerUrl, { poolSize: 1 });
    try {
      await expect(assertRowLevelSecurity(asOwner)).rejects.toThrow(DatabaseSecurityError);
    } finally {
      await asOwner.$disconnect();
    }
  });
});
