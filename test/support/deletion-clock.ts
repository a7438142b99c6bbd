import type { Client as PgClient } from 'pg';

/**
 * PostgreSQL's clock cannot skip like the time-skipping server's, and no application role may move a deletion
 * request (the database stamps it). Tests that need a request to be seven days old move the database's record of
 * it as a superuser with triggers off (session_replication_role = replica), as an operator with raw access could.
 */
async function asSuperuserWithoutTriggers(superuser: PgClient, sql: string, params: unknown[]): Promise<void> {
  await superuser.query('BEGIN');
  try {
    await superuser.query('SET LOCAL session_replication_role = replica');
    const result = await superuser.query(sql, params);
    if (result.rowCount !== 1) throw new Error(`expected to move one tenant's deletion request, moved ${result.rowCount}`);
    await superuser.query('COMMIT');
  } catch (error) {
    await superuser.query('ROLLBACK');
    throw error;
  }
}

/** A pending request moved seven days back: its grace period is over by the database's clock now. */
export function moveDeletionRequestWeekBack(superuser: PgClient, tenantId: string): Promise<void> {
  return asSuperuserWithoutTriggers(
    superuser,
    `UPDATE tenants SET deletion_requested_at = deletion_requested_at - interval '7 days',
                        deletion_scheduled_at = deletion_scheduled_at - interval '7 days'
     WHERE id = $1 AND status = 'pending_deletion'`,
    [tenantId],
  );
}

/** An active tenant marked as if its deletion had been asked for seven days ago (due now). */
export function markDeletionRequestedWeekAgo(superuser: PgClient, tenantId: string, requestedBy: string): Promise<void> {
  return asSuperuserWithoutTriggers(
    superuser,
    `UPDATE tenants SET status = 'pending_deletion', deletion_requested_by = $2,
                        deletion_requested_at = now() - interval '7 days', deletion_scheduled_at = now()
     WHERE id = $1 AND status = 'active'`,
    [tenantId, requestedBy],
  );
}
