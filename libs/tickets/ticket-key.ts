/** Which ticket: by id or by its CT- reference (both unique within a tenant). */
export type TicketKey = { id: string } | { ref: string };
