import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantScopedDatabase } from '../../../../libs/db';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ANY_TENANT_ROLE, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { CurrentTenantResponse } from './tenant-responses';

/** The caller's own tenant, as its key sees it (the tenant page's header). */
@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenant')
export class CurrentTenantController {
  constructor(private readonly db: TenantScopedDatabase) {}

  @Get()
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: 'This tenant: name, status and, when pending deletion, when it will be deleted',
    description: "The calling key's tenant and the key's own name and role (what the tenant page shows in its header).",
    success: { status: 200, description: 'The tenant', type: CurrentTenantResponse },
  })
  async get(@CurrentTenant() caller: TenantPrincipal) {
    const tenant = await this.db.withTenant(caller.tenantId, (tx) => tx.tenant.findUniqueOrThrow({ where: { id: caller.tenantId } }));
    return {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      status: tenant.status,
      createdAt: tenant.createdAt.toISOString(),
      deletionScheduledAt: tenant.deletionScheduledAt?.toISOString() ?? null,
      caller: { keyName: caller.keyName, role: caller.role },
    };
  }
}
