import { randomBytes, randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import { appendAuditEvent } from '../../libs/audit';
import type { TenantScopedDatabase } from '../../libs/db';
import { ownerQueryAsTenant } from './test-environment';

/**
 * Rows of one tenant in every table that holds tenant data, found in the catalogue on its own (every table
 * with a tenant_id column, plus tenants): nothing the product says about its tables is taken on trust. Read
 * as a superuser, which row-level security does not confine.
 */
export async function tenantRowCounts(superuser: PgClient, tenantId: string): Promise<Record<string, number>> {
  const tables = await superuser.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND (c.relname = 'tenants' OR EXISTS (
        SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
    ORDER BY 1`);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const column = name === 'tenants' ? 'id' : 'tenant_id';
    const result = await superuser.query<{ count: string }>(`SELECT count(*) AS count FROM "${name}" WHERE "${column}" = $1`, [tenantId]);
    counts[name] = Number(result.rows[0]!.count);
  }
  return counts;
}

/**
 * A tenant with something in most tables: API keys, tickets, audit events, an integration credential with its
 * (fake) wrapped data key, a notice, a notice contact and an export. The app role writes what it may; the owner
 * the rest, in the tenant's context.
 */
export async function seedTenantData(db: TenantScopedDatabase, owner: PgClient, tenantId: string, options: { tickets?: number } = {}) {
  const tickets = options.tickets ?? 5;
  await db.withTenant(tenantId, async (tx) => {
    await tx.apiKey.create({
      data: { tenantId, name: 'seed-admin', role: 'admin', keyHash: new Uint8Array(randomBytes(32)), keyPrefix: 'ck_seed…', createdBy: 'test' },
    });
    for (let number = 1; number <= tickets; number++) {
      const ref = `CT-${String(number).padStart(6, '0')}`;
      await tx.ticket.create({
        data: { tenantId, ref, type: 'general', status: 'new', summary: `seed ${number}`, priority: 'normal', requester: 'jane@acme.example', workflowId: `ticket/${tenantId}/${ref}` },
      });
      await appendAuditEvent(tx, tenantId, { actor: 'test', action: 'ticket.created', target: ref, outcome: 'success' });
    }
    const integrationId = randomUUID();
    const dataKey = await tx.dataKey.create({
      data: { tenantId, integrationId, kekId: 'local', kekVersion: '1', wrappedKey: new Uint8Array(randomBytes(60)) },
    });
    await tx.integrationCredential.create({
      data: { id: integrationId, tenantId, provider: 'google', externalAccount: 'admin@acme.example', dataKeyId: dataKey.id, encryptedTokenSet: 'v1.seed-ciphertext', scopes: ['scope'] },
    });
    await tx.notification.create({
      data: { tenantId, deliveryKey: `seed/${randomUUID()}`, kind: 'seed.notice', recipients: ['jane@acme.example'], subject: 'seed', body: 'seed', channel: 'outbox' },
    });
    await tx.tenantContact.create({ data: { tenantId, email: 'admins@acme.example', createdBy: 'test' } });
    await tx.tenantExport.create({ data: { id: randomUUID(), tenantId, requestedBy: 'test' } });
  });
  await ownerQueryAsTenant(
    owner,
    tenantId,
    `INSERT INTO audit_checkpoints (tenant_id, seq, hash, pruned_before, pruned_count) VALUES ($1, 0, $2, now(), 0)`,
    [tenantId, randomBytes(32)],
  );
}
