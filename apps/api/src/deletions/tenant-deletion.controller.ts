import { Body, Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { DELETION_SCHEDULE_HEADER } from './deletion-schedule.header';
import { RequestDeletionDto } from './request-deletion.dto';
import { TenantDeletionResponse } from './tenant-deletion-responses';
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
  @ApiRoute({
    summary: 'Delete this tenant after the grace period (7 days); asking again returns the pending deletion',
    description:
      "Marks the tenant pending deletion and starts the deletion workflow: the requester and the tenant's notice contacts are told, an admin can cancel during the 7-day grace period, then every row of the tenant is deleted, its data keys destroyed and a certificate kept. The answer's Custodian-Tenant-Deletion-Scheduled-At header says when.",
    success: [
      { status: 202, description: 'Deletion scheduled', type: TenantDeletionResponse },
      { status: 200, description: 'A deletion was already pending; this is it', type: TenantDeletionResponse },
    ],
    errors: [{ status: 409, description: "The platform's own tenant cannot be deleted" }],
  })
  async request(@CurrentTenant() caller: TenantPrincipal, @Body() body: RequestDeletionDto, @Res({ passthrough: true }) response: Response) {
    const { deletion, created } = await this.deletions.request(caller.tenantId, auditActor(caller), body.requesterEmail);
    if (!created) response.status(200);
    response.setHeader(DELETION_SCHEDULE_HEADER, deletion.scheduledAt);
    return deletion;
  }

  @Get()
  @TenantRoles(DELETION_READERS)
  @ApiRoute({
    summary: "This tenant's latest deletion: pending (with the time left), cancelled or in progress",
    description: "The deletion workflow's state, with the time left in the grace period.",
    success: { status: 200, description: 'The deletion', type: TenantDeletionResponse },
    errors: [{ status: 404, description: 'This tenant has never asked to be deleted' }],
  })
  get(@CurrentTenant() caller: TenantPrincipal) {
    return this.deletions.get(caller.tenantId);
  }

  @Delete()
  @HttpCode(200)
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Cancel the pending deletion; the tenant is active again when this returns',
    description: 'Cancels during the grace period; the tenant is active again and the cancellation is audited and notified.',
    success: { status: 200, description: 'The deletion, cancelled', type: TenantDeletionResponse },
    errors: [
      { status: 403, description: 'The caller is not an admin of this tenant (checked again by the workflow)' },
      { status: 404, description: 'No deletion to cancel' },
      { status: 409, description: 'deletion_not_cancellable: the grace period is over; or nothing is pending' },
    ],
  })
  async cancel(@CurrentTenant() caller: TenantPrincipal, @Res({ passthrough: true }) response: Response) {
    const deletion = await this.deletions.cancel(caller);
    response.removeHeader(DELETION_SCHEDULE_HEADER);
    return deletion;
  }
}
