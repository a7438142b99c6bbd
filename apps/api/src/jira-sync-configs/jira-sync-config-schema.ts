import type { SchemaObject } from '@nestjs/swagger';
import {
  JIRA_CONFLICT_STRATEGIES,
  JIRA_NAME_MAX_LENGTH,
  JIRA_PROJECT_KEY_PATTERN,
  JIRA_SYNC_DIRECTIONS,
  JIRA_SYNC_FIELDS,
  JIRA_SYNC_MAX_PROJECTS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
} from '../../../../libs/contracts';

/**
 * JiraSyncSettings (libs/contracts/jira-sync.ts) as an OpenAPI schema, built from the contract's own constants
 * so the reference lists the same fields, directions, strategies and vocabularies the parser accepts. The rules
 * that span fields (maps complete for the directions chosen, no project in two configurations) are in the
 * descriptions; the API answers them with 400 or 409 naming the field.
 */
function valueMap(custodianValues: readonly string[], what: string): SchemaObject {
  const name: SchemaObject = { type: 'string', minLength: 1, maxLength: JIRA_NAME_MAX_LENGTH };
  return {
    type: 'object',
    description: `${what}: toJira names every Custodian value when the field flows to Jira; fromJira has at least one entry when it flows from Jira, and takes back every name toJira sends to`,
    properties: {
      toJira: { type: 'object', properties: Object.fromEntries(custodianValues.map((value) => [value, name])), additionalProperties: false },
      fromJira: { type: 'object', description: 'Jira name (compared without regard to case) -> Custodian value', additionalProperties: { type: 'string', enum: [...custodianValues] } },
    },
  };
}

export const JIRA_SYNC_SETTINGS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['projectKeys', 'fields'],
  properties: {
    projectKeys: {
      type: 'array',
      minItems: 1,
      maxItems: JIRA_SYNC_MAX_PROJECTS,
      uniqueItems: true,
      description: 'No project may be in two configurations of a tenant (409)',
      items: { type: 'string', pattern: JIRA_PROJECT_KEY_PATTERN.source },
    },
    fields: {
      type: 'object',
      description: 'All eight synced fields, each with a direction; strategy (who wins a conflict) defaults to newest-wins',
      required: [...JIRA_SYNC_FIELDS],
      additionalProperties: false,
      properties: Object.fromEntries(
        JIRA_SYNC_FIELDS.map((field) => [
          field,
          {
            type: 'object',
            required: ['direction'],
            properties: { direction: { type: 'string', enum: [...JIRA_SYNC_DIRECTIONS] }, strategy: { type: 'string', enum: [...JIRA_CONFLICT_STRATEGIES] } },
          },
        ]),
      ),
    },
    statusMap: valueMap(TICKET_STATUSES, 'Ticket status <-> Jira status name'),
    priorityMap: valueMap(TICKET_PRIORITIES, 'Ticket priority <-> Jira priority name'),
    issueTypeMap: valueMap(TICKET_TYPES, 'Ticket type <-> Jira issue type name'),
    assigneeByEmail: { type: 'boolean', description: 'Must be true for assignee to flow at all (users are matched by email only)' },
    createIssues: {
      type: 'object',
      nullable: true,
      description: 'New tickets of these types get an issue in projectKey (one of projectKeys); a ticket type is created by at most one configuration (409)',
      required: ['projectKey', 'ticketTypes'],
      properties: { projectKey: { type: 'string', pattern: JIRA_PROJECT_KEY_PATTERN.source }, ticketTypes: { type: 'array', minItems: 1, items: { type: 'string', enum: [...TICKET_TYPES] } } },
    },
  },
};

/** A stored configuration: its settings after defaults, and who changed it when. */
export const JIRA_SYNC_CONFIG_SCHEMA: SchemaObject = {
  allOf: [
    JIRA_SYNC_SETTINGS_SCHEMA,
    {
      type: 'object',
      required: ['id', 'version', 'createdBy', 'updatedBy', 'createdAt', 'updatedAt'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        version: { type: 'integer', description: 'Bumped on every replace; the ETag, for If-Match' },
        createdBy: { type: 'string' },
        updatedBy: { type: 'string' },
        createdAt: { type: 'string', format: 'date-time' },
        updatedAt: { type: 'string', format: 'date-time' },
      },
    },
  ],
};

export const JIRA_SYNC_CONFIG_METADATA_EXAMPLE = {
  id: '6f9619ff-8b86-4d11-b42d-00c04fc964ff',
  version: 1,
  createdBy: 'api-key:admin',
  updatedBy: 'api-key:admin',
  createdAt: '2026-12-01T08:00:00.000Z',
  updatedAt: '2026-12-01T08:00:00.000Z',
};
