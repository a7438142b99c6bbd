import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../platform/api-route.decorator';
import { TenantRoles } from './access.decorators';
import { ApiKeyResponse, IssuedApiKeyResponse } from './api-key-responses';
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
  @ApiRoute({
    summary: 'Issue an API key for this tenant; the key is in this response only',
    description: 'Issues a key with the given role; only its hash is stored, so the key is shown in this response only. Auditors read, agents act, managers approve, admins administer.',
    success: { status: 201, description: 'The key, with the key itself', type: IssuedApiKeyResponse },
  })
  create(@CurrentTenant() caller: TenantPrincipal, @Body() body: CreateApiKeyDto) {
    return this.apiKeys.create(caller.tenantId, { name: body.name, role: body.role, createdBy: auditActor(caller) });
  }

  @Get()
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: "List this tenant's API keys (never the keys themselves)",
    description: 'Every key of the tenant, revoked ones included, with name, role and the prefix that recognises it.',
    success: { status: 200, description: 'The keys', type: [ApiKeyResponse] },
  })
  list(@CurrentTenant() caller: TenantPrincipal) {
    return this.apiKeys.list(caller.tenantId);
  }

  @Delete(':id')
  @HttpCode(200)
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Revoke an API key',
    description: 'Revokes the key at once; revoking a revoked key returns it unchanged. A key cannot revoke itself.',
    success: { status: 200, description: 'The key, revoked', type: ApiKeyResponse },
    errors: [
      { status: 404, description: 'No such key in this tenant' },
      { status: 409, description: 'The calling key cannot revoke itself' },
    ],
  })
  revoke(@CurrentTenant() caller: TenantPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.apiKeys.revoke(caller.tenantId, id, auditActor(caller), caller.keyId);
  }
}
