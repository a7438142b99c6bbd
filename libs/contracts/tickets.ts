export const TICKET_TYPES = ['general', 'password_reset', 'account_unlock', 'access_change', 'security_report'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const TICKET_STATUSES = ['new', 'triaged', 'in_progress', 'resolved', 'closed', 'rejected'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** Human-readable, per tenant: CT-000123. */
export function formatTicketRef(ticketNumber: number): string {
  return `CT-${String(ticketNumber).padStart(6, '0')}`;
}

export const TICKET_REF_PATTERN = /^CT-\d{6,}$/;
