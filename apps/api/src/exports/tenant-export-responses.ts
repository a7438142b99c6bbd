import { ApiProperty, type SchemaObject } from '@nestjs/swagger';
import { TENANT_EXPORT_FORMAT } from '../../../../libs/contracts';

export class TenantExportResponse {
  @ApiProperty({ format: 'uuid', example: '2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d' }) id!: string;
  @ApiProperty({ enum: ['building', 'ready', 'downloaded', 'expired'], description: 'expired: ready, but the link time is over', example: 'ready' }) status!: string;
  @ApiProperty({ example: 'tenant-export-2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d' }) workflowId!: string;
  @ApiProperty({ example: 'api-key:admin' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-12-01T08:00:03.000Z' }) readyAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) downloadedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 183_204 }) sizeBytes!: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) sha256!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'A signed link, good for one download until expiresAt; only while ready',
    example: 'https://custodian.example/v1/tenant/export/2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d/download?token=eyJleHBvcnRJZCI6…',
  })
  downloadUrl!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-12-02T08:00:03.000Z' }) expiresAt!: string | null;
}

/** The bundle a download returns: everything the tenant has, and its audit trail with the chain head. */
export const TENANT_EXPORT_BUNDLE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['format', 'exportId', 'exportedAt', 'requestedBy', 'tenant', 'apiKeys', 'noticeContacts', 'tickets', 'integrations', 'notifications', 'jira', 'audit'],
  properties: {
    format: { type: 'string', enum: [TENANT_EXPORT_FORMAT] },
    exportId: { type: 'string', format: 'uuid' },
    exportedAt: { type: 'string', format: 'date-time' },
    requestedBy: { type: 'string' },
    tenant: { type: 'object', additionalProperties: true },
    apiKeys: { type: 'array', items: { type: 'object', additionalProperties: true } },
    noticeContacts: { type: 'array', items: { type: 'object', additionalProperties: true } },
    tickets: { type: 'array', items: { type: 'object', additionalProperties: true } },
    integrations: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Without token material' },
    notifications: { type: 'array', items: { type: 'object', additionalProperties: true } },
    jira: {
      type: 'object',
      description: 'The Jira site, sync configurations, ticket/issue links, sync state and the sync\'s audit history; never tokens, the webhook secret or raw Jira responses',
      properties: {
        site: { type: 'object', nullable: true, additionalProperties: true },
        syncConfigs: { type: 'array', items: { type: 'object', additionalProperties: true } },
        syncState: { type: 'object', nullable: true, additionalProperties: true },
        links: { type: 'array', items: { type: 'object', properties: { ticketRef: { type: 'string' }, issueKey: { type: 'string' }, issueId: { type: 'string' }, projectKey: { type: 'string' } }, additionalProperties: true } },
        syncHistory: { type: 'array', items: { type: 'object', additionalProperties: true } },
      },
    },
    audit: { type: 'object', properties: { chainHead: { type: 'object', additionalProperties: true }, events: { type: 'array', items: { type: 'object', additionalProperties: true } } } },
  },
};

export const TENANT_EXPORT_BUNDLE_EXAMPLE = {
  format: TENANT_EXPORT_FORMAT,
  exportId: '2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d',
  exportedAt: '2026-12-01T08:00:02.000Z',
  requestedBy: 'api-key:admin',
  tenant: { id: '0f8fad5b-d9cb-469f-a165-70867728950e', slug: 'acme-cpa', name: 'Acme CPA LLP', status: 'active', createdAt: '2026-11-01T08:00:00.000Z', deletionRequestedAt: null, deletionScheduledAt: null },
  apiKeys: [{ id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', name: 'admin', role: 'admin', keyPrefix: 'ck_0f8fad5bd9cb469fa16570867728950e_Zm9vYm…', createdBy: 'operator:oncall', createdAt: '2026-11-01T08:00:00.000Z', revokedAt: null }],
  noticeContacts: [{ email: 'dpo@acme.example', createdBy: 'api-key:admin', createdAt: '2026-11-01T09:00:00.000Z' }],
  tickets: [{ id: '3f1c2a8e-6b1d-4e55-9a7b-0c2d4e6f8a10', ref: 'CT-000001', type: 'general', status: 'resolved', summary: 'Cannot sign in to Gmail', description: null, priority: 'normal', requester: 'jane@acme.example', assignee: null, workflowId: 'ticket-intake-3f1c2a8e-6b1d-4e55-9a7b-0c2d4e6f8a10', createdAt: '2026-11-02T08:00:00.000Z', updatedAt: '2026-11-02T09:00:00.000Z', comments: [] }],
  integrations: [{ id: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', provider: 'google', status: 'active', externalAccount: 'admin@acme.example', scopes: ['https://www.googleapis.com/auth/admin.directory.user'], accessTokenExpiresAt: '2026-12-01T09:00:00.000Z', createdAt: '2026-11-01T10:00:00.000Z', updatedAt: '2026-12-01T08:00:00.000Z' }],
  notifications: [],
  jira: {
    site: { cloudId: '1324a887-45db-1bf4-1e99-ef0ff456d421', url: 'https://acme.atlassian.net', name: 'acme', accountId: '5b10ac8d82e05b22cc7d4ef5', availableSites: [], connectedBy: 'api-key:admin', createdAt: '2026-11-01T10:00:00.000Z', updatedAt: '2026-11-01T10:00:00.000Z' },
    syncConfigs: [],
    syncState: { watermark: '2026-12-01T07:55:00.000Z', lastSuccessAt: '2026-12-01T07:56:00.000Z', lastError: null, lastErrorAt: null, webhooksRegistered: 1, webhooksExpireAt: '2026-12-28T10:00:00.000Z' },
    links: [{ ticketRef: 'CT-000001', issueKey: 'DEMO-1', issueId: '10001', projectKey: 'DEMO', issueUpdated: '2026-11-02T09:00:00.000Z', linkedAt: '2026-11-02T08:00:05.000Z' }],
    syncHistory: [],
  },
  audit: { chainHead: { type: 'chain_head', tenantId: '0f8fad5b-d9cb-469f-a165-70867728950e', lastSeq: 1284, lastHash: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c' }, events: [] },
};
