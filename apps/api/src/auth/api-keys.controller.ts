import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TenantRoles } from './access.decorators';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './create-api-key.dto';
import { CurrentTenant } from './current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal } from './principal';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'Issue an API key for this tenant; the key is in this response only' })
  create(@CurrentTenant() caller: TenantPrincipal, @Body() body: CreateApiKeyDto) {
    return this.apiKeys.create(caller.tenantId, { name: body.name, role: body.role, createdBy: auditActor(caller) });
  }

  @Get()
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: "List this tenant's API keys (never the keys themselves)" })
  list(@CurrentTenant() caller: TenantPrincipal) {
    return this.apiKeys.list(caller.tenantId);
  }

  @Delete(':id')
  @HttpCode(200)
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'Revoke an API key' })
  revoke(@CurrentTenant() caller: TenantPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.apiKeys.revoke(caller.tenantId, id, auditActor(caller), caller.keyId);
  }
}
