import { Controller, Get, Module } from '@nestjs/common';
import { TenantRoles } from '../apps/api/src/auth/access.decorators';
import { ANY_TENANT_ROLE } from '../apps/api/src/auth/principal';

/**
 * The floor bench:api measures the ticket routes against: a route behind the same API key guard (the key looked
 * up under the tenant's row-level security), the same pipes and filters, that does nothing else.
 */
@Controller('bench')
class BareAuthenticatedController {
  @Get('bare')
  @TenantRoles(ANY_TENANT_ROLE)
  bare() {
    return { ok: true };
  }
}

@Module({ controllers: [BareAuthenticatedController] })
export class BareAuthenticatedRouteModule {}
