import type { GoogleOperationKind, GoogleOperationRecord, GoogleOperationState } from '../contracts';
import type { TenantTransaction } from '../db';

/** A recorded operation as the API reads it back. */
export interface StoredGoogleOperation {
  kind: GoogleOperationKind;
  ticketRef: string;
  workflowId: string;
  requesterId: string | null;
  status: GoogleOperationRecord['status'];
  state: GoogleOperationState;
  failure: GoogleOperationRecord['failure'];
}

/**
 * Writes the operation's state inside the caller's transaction (the step's audit event or ticket comment goes in
 * the same one). A record older than the one stored (a timed-out attempt that still ran) changes nothing; the same
 * record again (a retry) rewrites what is there.
 */
export async function recordGoogleOperation(tx: TenantTransaction, record: GoogleOperationRecord): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO google_operations (tenant_id, workflow_id, kind, ticket_ref, requester_id, status, state, failure, revision)
    VALUES (${record.tenantId}::uuid, ${record.workflowId}, ${record.kind}, ${record.ticketRef}, ${record.requesterId}, ${record.status},
            ${JSON.stringify(record.state)}::jsonb, ${record.failure ? JSON.stringify(record.failure) : null}::jsonb, ${record.revision})
    ON CONFLICT (tenant_id, workflow_id) DO UPDATE
      SET status = EXCLUDED.status, state = EXCLUDED.state, failure = EXCLUDED.failure, revision = EXCLUDED.revision, updated_at = now()
      WHERE google_operations.revision <= EXCLUDED.revision`;
}

/** The operation's last record, if its workflow has written one. */
export async function readGoogleOperation(tx: TenantTransaction, tenantId: string, workflowId: string): Promise<StoredGoogleOperation | undefined> {
  const [row] = await tx.$queryRaw<
    { kind: GoogleOperationKind; ticket_ref: string; workflow_id: string; requester_id: string | null; status: GoogleOperationRecord['status']; state: GoogleOperationState; failure: GoogleOperationRecord['failure'] }[]
  >`SELECT kind, ticket_ref, workflow_id, requester_id, status, state, failure FROM google_operations WHERE tenant_id = ${tenantId}::uuid AND workflow_id = ${workflowId}`;
  if (!row) return undefined;
  return { kind: row.kind, ticketRef: row.ticket_ref, workflowId: row.workflow_id, requesterId: row.requester_id, status: row.status, state: row.state, failure: row.failure };
}
