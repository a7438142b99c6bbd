import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CredentialStore, type Provider } from '../../../../libs/connectors/credential-store';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { OneOfPipe } from '../errors/one-of.pipe';
import { GoogleConnectService } from './google-connect.service';
import { JiraConnectService } from './jira-connect.service';

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
  @ApiOperation({ summary: 'Connected providers, their account, scopes and status (no token material); Google with the Workspace customer id Google confirmed' })
  async list(@CurrentTenant() caller: TenantPrincipal) {
    const [integrations, workspace] = await Promise.all([this.credentials.list(caller.tenantId), this.google.workspaceOf(caller.tenantId)]);
    return integrations.map((integration) => (integration.provider === 'google' ? { ...integration, googleCustomerId: workspace?.customerId ?? null } : integration));
  }

  @Delete(':provider')
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({
    summary:
      'Disconnect a provider (200 with the outcome): Google grants are revoked at Google first; Atlassian has no API to revoke a Jira grant (remove the app under the Atlassian account). Then the credential and its data key are deleted',
  })
  @ApiResponse({ status: 502, type: ApiErrorBody, description: 'Google did not confirm the revocation; nothing was deleted' })
  remove(@CurrentTenant() caller: TenantPrincipal, @Param('provider', new OneOfPipe('provider', PROVIDERS)) provider: Provider) {
    return provider === 'google' ? this.google.disconnect(caller) : this.jira.disconnect(caller);
  }
}
