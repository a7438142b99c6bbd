import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { NotificationContactsDto } from './notification-contacts.dto';
import { TenantContactsService } from './tenant-contacts.service';

const CONTACT_READERS: readonly TenantRole[] = ['admin', 'auditor'];

@ApiTags('notification-contacts')
@ApiBearerAuth()
@Controller('v1/notification-contacts')
export class TenantContactsController {
  constructor(private readonly contacts: TenantContactsService) {}

  @Get()
  @TenantRoles(CONTACT_READERS)
  @ApiOperation({ summary: "Where notices to this tenant's admins (such as breach notices) go" })
  list(@CurrentTenant() caller: TenantPrincipal) {
    return this.contacts.list(caller.tenantId);
  }

  @Put()
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: "Replace this tenant's notice contacts" })
  @ApiResponse({ status: 400, type: ApiErrorBody })
  replace(@CurrentTenant() caller: TenantPrincipal, @Body() body: NotificationContactsDto) {
    return this.contacts.replace(caller.tenantId, body.emails, auditActor(caller));
  }
}
