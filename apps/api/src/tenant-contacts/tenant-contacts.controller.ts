import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
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
  @ApiRoute({
    summary: "Where notices to this tenant's admins (such as breach notices) go",
    description: 'The addresses that receive notices meant for the tenant\'s administrators, such as breach notifications; empty until an admin sets them.',
    success: { status: 200, description: 'The contacts', type: NotificationContactsDto },
  })
  list(@CurrentTenant() caller: TenantPrincipal) {
    return this.contacts.list(caller.tenantId);
  }

  @Put()
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: "Replace this tenant's notice contacts",
    description: 'Replaces the whole list of notice addresses; the change is audited.',
    success: { status: 200, description: 'The contacts as stored', type: NotificationContactsDto },
    errors: [{ status: 400, description: 'An address is not an email address, or there are too many' }],
  })
  replace(@CurrentTenant() caller: TenantPrincipal, @Body() body: NotificationContactsDto) {
    return this.contacts.replace(caller.tenantId, body.emails, auditActor(caller));
  }
}
