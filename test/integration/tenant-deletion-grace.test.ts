import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { markDeletionRequestedWeekAgo, moveDeletionRequestWeekBack } from '../support/deletion-clock';
import { insertTenant, ownerConnection, superuserConnection, testEnv } from '../support/test-environment';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The seven-day grace period and the platform/customer kind hold in PostgreSQL itself, against the role the API
 * and the worker connect as (DATABASE_URL here is custodian_app): a compromised process can ask for a deletion
 * but cannot make it due sooner, nor delete a platform tenant.
 */
describe('tenant deletion grace period and kind, enforced by PostgreSQL against the app role', () => {
  let app: PgClient;
  let owner: PgClient;
  let superuser: PgClient;

  beforeAll(async () => {
    app = new PgClient({ connectionString: testEnv().databaseUrl });
    await app.connect();
    owner = await ownerConnection();
    superuser = await superuserConnection();
  });

  afterAll(async () => {
    await app?.end();
    await owner?.end();
    await superuser?.end();
  });

  /** One statement in the tenant's own transaction, as TenantScopedDatabase runs them. */
  async function asApp<T extends object>(tenantId: string, sql: string, params: unknown[] = []): Promise<T[]> {
    await app.query('BEGIN');
    try {
      await app.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
      const result = await app.query<T>(sql, params);
      await app.query('COMMIT');
      return result.rows;
    } catch (error) {
      await app.query('ROLLBACK');
      throw error;
    }
  }

  const requestRow = (tenantId: string) =>
    asApp<{ status: string; requested_at: Date; scheduled_at: Date; now: Date }>(
      tenantId,
      'SELECT status, deletion_requested_at AS requested_at, deletion_scheduled_at AS scheduled_at, now() AS now FROM tenants WHERE id = $1',
      [tenantId],
    ).then((rows) => rows[0]!);

  it('stamps the request with the database clock and schedules it seven days on, whatever the app writes', async () => {
    const tenantId = await insertTenant(owner);
    const weekAgo = new Date(Date.now() - 8 * DAY_MS);
    await asApp(
      tenantId,
      `UPDATE tenants SET status = 'pending_deletion', deletion_requested_by = 'api-key:mallory',
                          deletion_requested_at = $2, deletion_scheduled_at = $2 WHERE id = $1`,
      [tenantId, weekAgo],
    );
    const row = await requestRow(tenantId);
    expect(row.status).toBe('pending_deletion');
    expect(Math.abs(row.requested_at.getTime() - row.now.getTime())).toBeLessThan(60_000);
    expect(row.scheduled_at.getTime() - row.requested_at.getTime()).toBe(7 * DAY_MS);

    await expect(asApp(tenantId, 'SELECT begin_tenant_deletion($1, $2)', [tenantId, 'wf-early'])).rejects.toThrow(/grace period of tenant .* ends at/);
    expect((await superuser.query('SELECT count(*)::int AS n FROM tenant_tombstones WHERE deleted_tenant_id = $1', [tenantId])).rows[0].n).toBe(0);
  });

  it('refuses to move or re-attribute a pending request', async () => {
    const tenantId = await insertTenant(owner);
    await asApp(tenantId, "UPDATE tenants SET status = 'pending_deletion', deletion_requested_by = 'api-key:alice' WHERE id = $1", [tenantId]);
    const before = await requestRow(tenantId);
    for (const change of [
      "deletion_scheduled_at = now() - interval '1 day'",
      "deletion_requested_at = now() - interval '8 days'",
      "deletion_requested_by = 'api-key:mallory'",
    ]) {
      await expect(asApp(tenantId, `UPDATE tenants SET ${change} WHERE id = $1`, [tenantId])).rejects.toThrow(/cannot be changed; cancel it and ask again/);
    }
    expect(await requestRow(tenantId)).toEqual({ ...before, now: expect.any(Date) });
    await expect(asApp(tenantId, 'SELECT begin_tenant_deletion($1, $2)', [tenantId, 'wf-early'])).rejects.toThrow(/grace period/);
  });

  it('clears the request when the tenant is active again, and a new request starts a new seven days', async () => {
    const tenantId = await insertTenant(owner);
    await markDeletionRequestedWeekAgo(superuser, tenantId, 'api-key:alice');
    await asApp(tenantId, "UPDATE tenants SET status = 'active' WHERE id = $1", [tenantId]);
    expect(await requestRow(tenantId)).toMatchObject({ status: 'active', requested_at: null, scheduled_at: null });
    await asApp(tenantId, "UPDATE tenants SET status = 'pending_deletion', deletion_requested_by = 'api-key:alice' WHERE id = $1", [tenantId]);
    await expect(asApp(tenantId, 'SELECT begin_tenant_deletion($1, $2)', [tenantId, 'wf-again'])).rejects.toThrow(/grace period/);
  });

  it('begins the deletion once the request is seven days old by the database clock', async () => {
    const tenantId = await insertTenant(owner);
    await asApp(tenantId, "UPDATE tenants SET status = 'pending_deletion', deletion_requested_by = 'api-key:alice' WHERE id = $1", [tenantId]);
    await moveDeletionRequestWeekBack(superuser, tenantId);
    await asApp(tenantId, 'SELECT begin_tenant_deletion($1, $2)', [tenantId, 'wf-due']);
    const tombstone = await superuser.query('SELECT requested_by FROM tenant_tombstones WHERE deleted_tenant_id = $1', [tenantId]);
    expect(tombstone.rows).toEqual([{ requested_by: 'api-key:alice' }]);
    // Begun, it cannot be undone half way by making the tenant active again.
    await expect(asApp(tenantId, "UPDATE tenants SET status = 'active' WHERE id = $1", [tenantId])).rejects.toThrow(/has begun and cannot be cancelled/);
  });

  it('never lets a platform tenant be deleted, nor the app change a tenant\'s kind', async () => {
    // The app role creates platform tenants itself (the security desk's bootstrap does).
    const platform = randomUUID();
    await asApp(platform, "INSERT INTO tenants (id, slug, name, kind) VALUES ($1, $2, 'Platform', 'platform')", [platform, `platform-${platform.slice(0, 8)}`]);
    await expect(
      asApp(platform, "UPDATE tenants SET status = 'pending_deletion', deletion_requested_by = 'api-key:mallory' WHERE id = $1", [platform]),
    ).rejects.toThrow(/platform tenant and can never be deleted/);
    await expect(asApp(platform, "UPDATE tenants SET kind = 'customer' WHERE id = $1", [platform])).rejects.toThrow(/kind of tenant .* cannot change/);

    const customer = await insertTenant(owner);
    await expect(asApp(customer, "UPDATE tenants SET kind = 'platform' WHERE id = $1", [customer])).rejects.toThrow(/kind of tenant .* cannot change/);

    // Even marked pending a week ago behind the database's back, a platform tenant's deletion does not begin.
    await markDeletionRequestedWeekAgo(superuser, platform, 'api-key:mallory');
    await expect(asApp(platform, 'SELECT begin_tenant_deletion($1, $2)', [platform, 'wf-platform'])).rejects.toThrow(/platform tenant and can never be deleted/);
  });
});
