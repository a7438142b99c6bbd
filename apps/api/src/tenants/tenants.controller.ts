import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { auditActor, type Principal } from '../auth/principal';
import { CreateTenantDto } from './create-tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @OperatorOnly()
  @ApiOperation({ summary: 'Create a tenant and its first admin API key (shown in this response only)' })
  create(@CurrentPrincipal() caller: Principal, @Body() body: CreateTenantDto) {
    return this.tenants.create(body, auditActor(caller));
  }
}
