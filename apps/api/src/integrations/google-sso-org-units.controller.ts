import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { GoogleSsoOrgUnitsStore } from '../../../../libs/connectors/google/google-sso-org-units-store';
import { ssoLayoutProblems } from '../../../../libs/connectors/google/tenant-sso-org-units';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiError, ApiErrorBody } from '../errors/api-error';
import { GoogleSsoOrgUnitsDto } from './google-sso-org-units.dto';

const READERS: readonly TenantRole[] = ['admin', 'auditor'];

/**
 * Which org units of the tenant's Workspace sign in through its identity provider: Google cannot tell
 * Custodian (that needs scopes it does not ask for), and a password reset must not promise change-at-next-login
 * to those users, so the tenant's admin declares them here.
 */
@ApiTags('integrations')
@ApiBearerAuth()
@Controller('v1/integrations/google/sso-org-units')
export class GoogleSsoOrgUnitsController {
  constructor(private readonly ssoOrgUnits: GoogleSsoOrgUnitsStore) {}

  @Get()
  @TenantRoles(READERS)
  @ApiOperation({ summary: 'The declared SSO org units; declared: false until an admin has declared them (then it is not known who signs in through SSO)' })
  async read(@CurrentTenant() caller: TenantPrincipal) {
    const declared = await this.ssoOrgUnits.read(caller.tenantId);
    return declared ? { declared: true, ...declared } : { declared: false, withSso: [], withoutSso: [], updatedBy: null, updatedAt: null };
  }

  @Put()
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'Declare which org units sign in through SSO; password resets of their users are refused with that reason' })
  @ApiResponse({ status: 400, type: ApiErrorBody })
  async declare(@CurrentTenant() caller: TenantPrincipal, @Body() body: GoogleSsoOrgUnitsDto) {
    const layout = { withSso: body.withSso, withoutSso: body.withoutSso ?? [] };
    const problems = ssoLayoutProblems(layout);
    if (problems.length > 0) throw new ApiError(400, 'validation_failed', problems.join('; '), problems);
    return { declared: true, ...(await this.ssoOrgUnits.declare(caller.tenantId, layout, auditActor(caller))) };
  }
}
