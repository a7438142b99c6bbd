import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GoogleSsoOrgUnitsStore } from '../../../../libs/connectors/google/google-sso-org-units-store';
import { ssoLayoutProblems } from '../../../../libs/connectors/google/tenant-sso-org-units';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { GoogleSsoOrgUnitsDto } from './google-sso-org-units.dto';
import { SsoOrgUnitsResponse } from './integration-responses';

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
  @ApiRoute({
    summary: 'The declared SSO org units; declared: false until an admin has declared them',
    description: 'Which org units of the Workspace sign in through a third-party identity provider, as the tenant\'s admin declared them. Until declared, it is not known who signs in through SSO, and password resets say so.',
    success: { status: 200, description: 'The declaration', type: SsoOrgUnitsResponse },
  })
  async read(@CurrentTenant() caller: TenantPrincipal) {
    const declared = await this.ssoOrgUnits.read(caller.tenantId);
    return declared ? { declared: true, ...declared } : { declared: false, withSso: [], withoutSso: [], updatedBy: null, updatedAt: null };
  }

  @Put()
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Declare which org units sign in through SSO; password resets of their users are refused with that reason',
    description: 'Replaces the declaration. Google cannot tell Custodian (that needs scopes it does not ask for), and a reset must not promise change-at-next-login to SSO users.',
    success: { status: 200, description: 'The declaration as stored', type: SsoOrgUnitsResponse },
    errors: [{ status: 400, description: 'A path is not an org unit path, or a unit is listed both with and without SSO (details names each)' }],
  })
  async declare(@CurrentTenant() caller: TenantPrincipal, @Body() body: GoogleSsoOrgUnitsDto) {
    const layout = { withSso: body.withSso, withoutSso: body.withoutSso ?? [] };
    const problems = ssoLayoutProblems(layout);
    if (problems.length > 0) throw new ApiError(400, 'validation_failed', problems.join('; '), problems);
    return { declared: true, ...(await this.ssoOrgUnits.declare(caller.tenantId, layout, auditActor(caller))) };
  }
}
