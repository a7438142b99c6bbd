import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { ApiRoute } from '../platform/api-route.decorator';
import { SupportAccessGrantResponse } from '../users/user-responses';
import { OperatorOnly, TenantRoles } from './access.decorators';
import { CurrentPrincipal, CurrentTenant } from './current-principal.decorator';
import { ADMIN_ONLY, auditActor, type Principal, type TenantPrincipal } from './principal';
import { SUPPORT_ACCESS_MAX_MINUTES, SupportAccess } from './support-access.service';

export class OpenSupportAccessDto {
  @ApiProperty({ format: 'uuid', example: '0f8fad5b-d9cb-469f-a165-70867728950e' })
  @IsUUID()
  tenantId!: string;

  @ApiProperty({ example: 'Ticket ACME-42: password reset stuck in approval', description: "Why; the tenant's admins read it" })
  @IsString()
  @Length(10, 1000)
  reason!: string;

  @ApiProperty({ example: 60, minimum: 1, maximum: SUPPORT_ACCESS_MAX_MINUTES })
  @IsInt()
  @Min(1)
  @Max(SUPPORT_ACCESS_MAX_MINUTES)
  minutes!: number;
}

@ApiTags('support-access')
@Controller('v1/support-access')
export class SupportAccessController {
  constructor(private readonly support: SupportAccess) {}

  @Post()
  @HttpCode(201)
  @OperatorOnly()
  @ApiBearerAuth()
  @ApiRoute({
    summary: "Open time-boxed support access to one tenant's data for this operator key (at most 8 hours)",
    description:
      "Recorded in the tenant's audit trail (support_access.granted: operator, reason, from, until) and listed to its admins. While it lasts, the operator " +
      'key may call the tenant routes an auditor may (read only) by adding the header X-Support-Tenant: <tenant id>. Without a grant an operator key opens no tenant route.',
    success: { status: 201, description: 'The grant', type: SupportAccessGrantResponse },
    errors: [{ status: 404, description: 'No such tenant' }],
  })
  open(@CurrentPrincipal() caller: Principal, @Body() body: OpenSupportAccessDto) {
    if (caller.kind !== 'operator') throw new Error('OperatorOnly route reached by a tenant caller');
    return this.support.open(caller, body);
  }

  @Get()
  @TenantRoles(['admin', 'auditor'])
  @ApiBearerAuth()
  @ApiRoute({
    summary: "Support access granted to platform staff on this tenant: who, why, when, until",
    description: 'Newest first, active and past.',
    success: { status: 200, description: 'The grants', type: [SupportAccessGrantResponse] },
  })
  list(@CurrentTenant() caller: TenantPrincipal) {
    return this.support.list(caller.tenantId);
  }

  @Delete(':id')
  @HttpCode(200)
  @TenantRoles(ADMIN_ONLY)
  @ApiBearerAuth()
  @ApiRoute({
    summary: 'End a support access grant now',
    description: 'The operator key loses access to the tenant at once. Audited as support_access.ended. Ending an ended grant answers it unchanged.',
    success: { status: 200, description: 'The ended grant', type: SupportAccessGrantResponse },
    errors: [{ status: 404, description: 'No such grant in this tenant' }],
  })
  end(@CurrentTenant() caller: TenantPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.support.end(caller.tenantId, id, auditActor(caller));
  }
}
