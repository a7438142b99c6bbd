import type { Client as PgClient } from 'pg';
import { TenantScopedDatabase, type PrismaClient } from '../../libs/db';
import { createPrismaClient } from '../../libs/db/prisma-client';
import { setTicketChangeContext } from '../../libs/tickets/ticket-change-context';
import { insertTenant, ownerConnection, ownerQueryAsTenant, testEnv } from '../support/test-environment';

/**
 * The tickets trigger records every change of an editable field, whoever writes it: the per-field history the
 * Jira sync's conflict resolution reads (which side changed a field last, and when).
 */
describe('ticket field changes (trigger, app role, real PostgreSQL)', () => {
  let owner: PgClient;
  let prisma: PrismaClient;
  let db: TenantScopedDatabase;
  let tenantId: string;
  let ticketId: string;

  beforeAll(async () => {
    owner = await ownerConnection();
    // One pooled connection: a change context left behind by one transaction would be seen by the next.
    prisma = createPrismaClient(testEnv().databaseUrl, { poolSize: 1 });
    db = new TenantScopedDatabase(prisma);
    tenantId = await insertTenant(owner);
    const inserted = await ownerQueryAsTenant(
      owner,
      tenantId,
      `INSERT INTO tickets (tenant_id, ref, type, status, summary, priority, requester, workflow_id)
       VALUES ($1, 'CT-000001', 'general', 'new', 'seeded', 'normal', 'someone@example.com', 'wf') RETURNING id`,
      [tenantId],
    );
    ticketId = inserted.rows[0].id;
  });

  afterAll(async () => {
    await owner.end();
    await prisma.$disconnect();
  });

  const history = () => db.withTenant(tenantId, (tx) => tx.ticketFieldChange.findMany({ where: { ticketId }, orderBy: [{ version: 'asc' }, { field: 'asc' }] }));

  it('records a change made for Jira as Jira\'s, and the context does not outlive its transaction', async () => {
    await db.withTenant(tenantId, async (tx) => {
      await setTicketChangeContext(tx, { actor: 'jira:5b10ac8d82e05b22cc7d4ef5', source: 'jira' });
      await tx.ticket.update({ where: { id: ticketId }, data: { status: 'in_progress', priority: 'high' } });
    });
    // Same pooled connection, no context set: the default, not the previous transaction's Jira context.
    await db.withTenant(tenantId, (tx) => tx.ticket.update({ where: { id: ticketId }, data: { summary: 'edited by a workflow' } }));
    // Nothing editable changed: no version, no history.
    await db.withTenant(tenantId, (tx) => tx.ticket.update({ where: { id: ticketId }, data: { requester: 'other@example.com' } }));

    expect((await history()).map(({ field, version, source, actor }) => [field, version, source, actor])).toEqual([
      ['priority', 2, 'jira', 'jira:5b10ac8d82e05b22cc7d4ef5'],
      ['status', 2, 'jira', 'jira:5b10ac8d82e05b22cc7d4ef5'],
      ['summary', 3, 'custodian', 'system'],
    ]);
    const ticket = await db.withTenant(tenantId, (tx) => tx.ticket.findUniqueOrThrow({ where: { id: ticketId } }));
    expect(ticket.version).toBe(3);
  });

  it('refuses a source other than custodian or jira, and the whole update with it', async () => {
    const before = await db.withTenant(tenantId, (tx) => tx.ticket.findUniqueOrThrow({ where: { id: ticketId } }));
    await expect(
      db.withTenant(tenantId, async (tx) => {
        await tx.$executeRaw`SELECT set_config('app.change_source', 'google', true)`;
        await tx.ticket.update({ where: { id: ticketId }, data: { status: 'closed' } });
      }),
    ).rejects.toThrow();
    expect(await db.withTenant(tenantId, (tx) => tx.ticket.findUniqueOrThrow({ where: { id: ticketId } }))).toEqual(before);
  });

  it("keeps history rows to their tenant: another tenant's context sees none", async () => {
    const other = await insertTenant(owner);
    const seen = await db.withTenant(other, (tx) => tx.ticketFieldChange.count());
    expect(seen).toBe(0);
    expect((await history()).length).toBeGreaterThan(0);
  });
});
