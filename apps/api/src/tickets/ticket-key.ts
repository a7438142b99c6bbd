import { TICKET_REF_PATTERN } from '../../../../libs/contracts';
import type { TicketKey } from '../../../../libs/tickets/ticket-key';
import { ApiError } from '../errors/api-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A ticket route's :id, which may be the ticket's UUID or its CT- reference; 400 when it is neither. */
export function ticketKeyOf(idOrRef: string): TicketKey {
  if (UUID.test(idOrRef)) return { id: idOrRef };
  if (TICKET_REF_PATTERN.test(idOrRef)) return { ref: idOrRef };
  throw new ApiError(400, 'bad_request', 'ticket id must be a UUID or a reference like CT-000123');
}

/** Route parameters that are UUIDs (an attachment's id): 404 rather than a database error for anything else. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
