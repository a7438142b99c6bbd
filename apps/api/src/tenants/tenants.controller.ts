import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { auditActor, type Principal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { CreateTenantDto } from './create-tenant.dto';
import { CreatedTenantResponse } from './tenant-responses';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @OperatorOnly()
  @ApiRoute({
    summary: 'Create a tenant and its first admin API key (shown in this response only)',
    description: "Creates the tenant and issues its first admin key in one transaction; the key is shown in this response only. The security desk's slug is reserved.",
    success: { status: 201, description: 'The tenant and its first admin key', type: CreatedTenantResponse },
    errors: [{ status: 409, description: 'A tenant with this slug exists, or the slug is reserved' }],
  })
  create(@CurrentPrincipal() caller: Principal, @Body() body: CreateTenantDto) {
    return this.tenants.create(body, auditActor(caller));
  }
}
