import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ConsentUrlResponse {
  @ApiProperty({ description: "The provider's consent screen; an administrator of the tenant's account opens it", example: 'https://accounts.google.com/o/oauth2/v2/auth?client_id=…&scope=…&state=…' })
  consentUrl!: string;
  @ApiProperty({ format: 'date-time', description: 'The URL works once, until then (10 minutes)', example: '2026-12-01T08:10:00.000Z' }) expiresAt!: string;
}

/** A connected provider: never token material. */
export class IntegrationResponse {
  @ApiProperty({ format: 'uuid', example: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed' }) integrationId!: string;
  @ApiProperty({ enum: ['google', 'jira'], example: 'google' }) provider!: string;
  @ApiProperty({ enum: ['active', 'needs_reconsent'], example: 'active' }) status!: string;
  @ApiProperty({ description: 'The account the grant acts as', example: 'admin@acme.example' }) externalAccount!: string;
  @ApiProperty({ type: [String], example: ['https://www.googleapis.com/auth/admin.directory.user'] }) scopes!: string[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-12-01T09:00:00.000Z' }) accessTokenExpiresAt!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' }) updatedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Google only: the Workspace customer id Google confirmed', example: 'C03az79cb' }) googleCustomerId?: string | null;
}

export class DisconnectedIntegrationResponse {
  @ApiProperty({ enum: ['google', 'jira'], example: 'google' }) provider!: string;
  @ApiProperty({
    enum: ['revoked', 'already-invalid', 'not-attempted', 'not-supported-by-atlassian'],
    description: 'What happened to the grant at the provider before the credential was deleted',
    example: 'revoked',
  })
  revocation!: string;
}

export class SsoOrgUnitsResponse {
  @ApiProperty({ description: 'false until an admin has declared them (then it is not known who signs in through SSO)', example: true }) declared!: boolean;
  @ApiProperty({ type: [String], example: ['/Federated'] }) withSso!: string[];
  @ApiProperty({ type: [String], example: ['/Federated/Contractors'] }) withoutSso!: string[];
  @ApiProperty({ nullable: true, type: String, example: 'api-key:admin' }) updatedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-12-01T08:00:00.000Z' }) updatedAt!: string | null;
}

export const CONNECT_RESULT_PAGE_EXAMPLES = {
  connected: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Google Workspace connected · Custodian</title></head><body><h1>Google Workspace connected</h1><p>Custodian can now act on users of acme.example. You can close this page.</p></body></html>',
  failed: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Google Workspace was not connected · Custodian</title></head><body><h1>Google Workspace was not connected</h1><p>the Workspace admin declined the consent</p></body></html>',
};

class JiraSiteResponse {
  @ApiProperty({ example: '1324a887-45db-1bf4-1e99-ef0ff456d421' }) cloudId!: string;
  @ApiProperty({ example: 'https://acme.atlassian.net' }) url!: string;
  @ApiProperty({ example: 'acme' }) name!: string;
}

/** The tenant's Jira connection: never token material. */
export class JiraConnectionResponse {
  @ApiProperty({ enum: ['connected', 'site_choice_pending', 'needs_reconsent'], example: 'connected' }) status!: string;
  @ApiProperty({ nullable: true, type: JiraSiteResponse, description: 'The site Custodian syncs with; null until chosen' }) site!: JiraSiteResponse | null;
  @ApiProperty({ nullable: true, type: String, description: 'The Atlassian account Custodian acts as on the site', example: '5b10ac8d82e05b22cc7d4ef5' }) accountId!: string | null;
  @ApiProperty({ type: [JiraSiteResponse], description: 'The sites the grant reaches' }) availableSites!: JiraSiteResponse[];
  @ApiProperty({ type: [String], example: ['read:jira-work', 'write:jira-work', 'manage:jira-webhook', 'read:jira-user', 'offline_access'] }) scopes!: string[];
}

export const JIRA_CONNECT_RESULT_PAGE_EXAMPLES = {
  connected: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Jira connected · Custodian</title></head><body><h1>Jira connected</h1><p>Custodian can now sync with https://acme.atlassian.net. You can close this page.</p></body></html>',
  failed: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Jira was not connected · Custodian</title></head><body><h1>Jira was not connected</h1><p>the Jira admin declined the consent</p></body></html>',
};
