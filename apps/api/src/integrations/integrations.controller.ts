import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CredentialStore, type Provider } from '../../../../libs/connectors/credential-store';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { OneOfPipe } from '../errors/one-of.pipe';
import { GoogleConnectService } from './google-connect.service';
import { DisconnectedIntegrationResponse, IntegrationResponse } from './integration-responses';
import { JiraConnectService } from './jira-connect.service';

// eslint-disable-next-line no-useless-assignment -- read only in a parameter decorator, which the rule does not see
const PROVIDERS = ['google', 'jira'] as const;
const INTEGRATION_READERS: readonly TenantRole[] = ['admin', 'auditor'];

/** The tenant's connected providers: what is connected and with which scopes, never a token. */
@ApiTags('integrations')
@ApiBearerAuth()
@Controller('v1/integrations')
export class IntegrationsController {
  constructor(
    private readonly credentials: CredentialStore,
    private readonly google: GoogleConnectService,
    private readonly jira: JiraConnectService,
  ) {}

  @Get()
  @TenantRoles(INTEGRATION_READERS)
  @ApiRoute({
    summary: 'Connected providers, their account, scopes and status (no token material)',
    description: 'Each connected provider with the account its grant acts as, the scopes granted and whether it needs consent again; Google with the Workspace customer id Google confirmed.',
    success: { status: 200, description: 'The connected providers', type: [IntegrationResponse] },
  })
  async list(@CurrentTenant() caller: TenantPrincipal) {
    const [integrations, workspace] = await Promise.all([this.credentials.list(caller.tenantId), this.google.workspaceOf(caller.tenantId)]);
    return integrations.map((integration) => (integration.provider === 'google' ? { ...integration, googleCustomerId: workspace?.customerId ?? null } : integration));
  }

  @Delete(':provider')
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Disconnect a provider: revoke the grant where the provider allows it, then delete the credential and its data key',
    description:
      'Google grants are revoked at Google first; Atlassian has no API to revoke a Jira grant (remove the app under the Atlassian account). Then the credential and its data key are deleted, and the outcome says what happened to the grant.',
    success: { status: 200, description: 'The outcome', type: DisconnectedIntegrationResponse },
    errors: [
      { status: 400, description: 'provider is not google or jira' },
      { status: 404, description: 'The provider is not connected' },
      { status: 502, description: 'Google did not confirm the revocation; nothing was deleted' },
    ],
  })
  remove(@CurrentTenant() caller: TenantPrincipal, @Param('provider', new OneOfPipe('provider', PROVIDERS)) provider: Provider) {
    return provider === 'google' ? this.google.disconnect(caller) : this.jira.disconnect(caller);
  }
}
