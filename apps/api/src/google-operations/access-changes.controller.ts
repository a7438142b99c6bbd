import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, type TenantPrincipal } from '../auth/principal';
import { ApiError, ApiErrorBody } from '../errors/api-error';
import { idempotencyKeyOf } from '../platform/idempotency-key';
import { AccessChangeRequestDto } from './access-change-request.dto';
import { answerStarted } from './google-operation.response';
import { GoogleOperationsService } from './google-operations.service';

@ApiTags('google-operations')
@ApiBearerAuth()
@Controller('v1/access-changes')
export class AccessChangesController {
  constructor(private readonly operations: GoogleOperationsService) {}

  @Post()
  @HttpCode(202)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiOperation({ summary: "Change a Workspace user's access for a ticket: suspend, unsuspend, sign out, revoke app access" })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Optional: the ticket already makes a repeat return the same change' })
  @ApiResponse({ status: 409, type: ApiErrorBody })
  async start(
    @CurrentTenant() caller: TenantPrincipal,
    @Body() body: AccessChangeRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    idempotencyKeyOf(idempotencyKey);
    if (body.actions.includes('suspend') && body.actions.includes('unsuspend')) {
      throw new ApiError(400, 'validation_failed', 'actions cannot both suspend and unsuspend the user');
    }
    return answerStarted(response, await this.operations.start('access-change', caller, { ticketRef: body.ticketRef, userEmail: body.userEmail, parameters: { actions: body.actions } }));
  }

  @Get(':ticketRef')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiOperation({ summary: "The access change's live state" })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  get(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string) {
    return this.operations.get('access-change', caller, ticketRef);
  }
}
