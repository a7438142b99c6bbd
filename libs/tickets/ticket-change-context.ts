import type { TicketChangeSource } from '../contracts/ticket-edits';
import type { TenantTransaction } from '../db/tenant-scoped-database';

/**
 * Names who is changing tickets in this transaction and on which side, for the tickets trigger that records
 * each changed field (ticket_field_changes). Local to the transaction, like app.tenant_id; call it before the
 * UPDATE. Without it a change is recorded as 'system' on the Custodian side.
 */
export async function setTicketChangeContext(tx: TenantTransaction, context: { actor: string; source: TicketChangeSource }): Promise<void> {
  await tx.$executeRaw`SELECT set_config('app.actor', ${context.actor}, true), set_config('app.change_source', ${context.source}, true)`;
}
