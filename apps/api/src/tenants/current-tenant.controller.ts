import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ANY_TENANT_ROLE, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { CurrentTenantResponse } from './tenant-responses';
import { TenantsService } from './tenants.service';

/** The caller's own tenant, as its key sees it (the tenant page's header). */
@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenant')
export class CurrentTenantController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: 'This tenant: name, status and, when pending deletion, when it will be deleted',
    description: "The calling key's tenant and the key's own name and role (what the tenant page shows in its header).",
    success: { status: 200, description: 'The tenant', type: CurrentTenantResponse },
  })
  get(@CurrentTenant() caller: TenantPrincipal) {
    return this.tenants.current(caller);
  }
}
