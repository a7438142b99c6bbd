import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Every Custodian workflow carries its tenant, so operators (and tenant deletion) can find them all. */
export const TENANT_ID_SEARCH_ATTRIBUTE = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const TICKET_REF_SEARCH_ATTRIBUTE = defineSearchAttributeKey('TicketRef', SearchAttributeType.KEYWORD);

/** Registered on the server at start-up (dev server flags; `temporal operator search-attribute create` in production). */
export const CUSTODIAN_SEARCH_ATTRIBUTE_KEYS = [TENANT_ID_SEARCH_ATTRIBUTE, TICKET_REF_SEARCH_ATTRIBUTE];
