import { Controller, Delete, Get, HttpCode, Param, ParseEnumPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CredentialStore, type Provider } from '../../../../libs/connectors/credential-store';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { notFound } from '../errors/api-error';

const PROVIDERS = ['google', 'jira'] as const;
const INTEGRATION_READERS: readonly TenantRole[] = ['admin', 'auditor'];

/** The tenant's connected providers: what is connected and with which scopes, never a token. */
@ApiTags('integrations')
@ApiBearerAuth()
@Controller('v1/integrations')
export class IntegrationsController {
  constructor(private readonly credentials: CredentialStore) {}

  @Get()
  @TenantRoles(INTEGRATION_READERS)
  @ApiOperation({ summary: 'Connected providers, their account, scopes and status (no token material)' })
  list(@CurrentTenant() caller: TenantPrincipal) {
    return this.credentials.list(caller.tenantId);
  }

  @Delete(':provider')
  @HttpCode(204)
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'Forget a provider: its credential and the data key that encrypted it are deleted' })
  async remove(@CurrentTenant() caller: TenantPrincipal, @Param('provider', new ParseEnumPipe(PROVIDERS)) provider: Provider) {
    if (!(await this.credentials.remove(caller.tenantId, provider, auditActor(caller)))) throw notFound('integration');
  }
}
