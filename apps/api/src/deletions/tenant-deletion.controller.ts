import { Body, Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { DELETION_SCHEDULE_HEADER } from './deletion-schedule.header';
import { RequestDeletionDto } from './request-deletion.dto';
import { TenantDeletionService } from './tenant-deletion.service';

const DELETION_READERS: readonly TenantRole[] = ['admin', 'auditor'];

@ApiTags('tenant-deletion')
@ApiBearerAuth()
@Controller('v1/tenant/deletion')
export class TenantDeletionController {
  constructor(private readonly deletions: TenantDeletionService) {}

  @Post()
  @HttpCode(202)
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'Delete this tenant after the grace period (7 days); asking again returns the pending deletion' })
  @ApiResponse({ status: 202, description: 'Deletion scheduled' })
  @ApiResponse({ status: 200, description: 'A deletion was already pending; this is it' })
  async request(@CurrentTenant() caller: TenantPrincipal, @Body() body: RequestDeletionDto, @Res({ passthrough: true }) response: Response) {
    const { deletion, created } = await this.deletions.request(caller.tenantId, auditActor(caller), body.requesterEmail);
    if (!created) response.status(200);
    response.setHeader(DELETION_SCHEDULE_HEADER, deletion.scheduledAt);
    return deletion;
  }

  @Get()
  @TenantRoles(DELETION_READERS)
  @ApiOperation({ summary: "This tenant's latest deletion: pending (with the time left), cancelled or in progress" })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  get(@CurrentTenant() caller: TenantPrincipal) {
    return this.deletions.get(caller.tenantId);
  }

  @Delete()
  @HttpCode(200)
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'Cancel the pending deletion; the tenant is active again when this returns' })
  @ApiResponse({ status: 409, type: ApiErrorBody, description: 'deletion_not_cancellable: the grace period is over' })
  async cancel(@CurrentTenant() caller: TenantPrincipal, @Res({ passthrough: true }) response: Response) {
    const deletion = await this.deletions.cancel(caller);
    response.removeHeader(DELETION_SCHEDULE_HEADER);
    return deletion;
  }
}
