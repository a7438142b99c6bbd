import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, type TenantPrincipal } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { GoogleOperationResponse } from './google-operation-responses';
import { AccessChangeRequestDto } from './access-change-request.dto';
import { answerStarted, TICKET_IS_THE_IDEMPOTENCY_KEY } from './google-operation.response';
import { GoogleOperationReadQueryDto, RECORDED_STATE } from './google-operation-read-query.dto';
import { GoogleOperationsService } from './google-operations.service';

@ApiTags('google-operations')
@ApiBearerAuth()
@Controller('v1/access-changes')
export class AccessChangesController {
  constructor(private readonly operations: GoogleOperationsService) {}

  @Post()
  @HttpCode(202)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiRoute({
    summary: "Change a Workspace user's access for a ticket: suspend, unsuspend, sign out, revoke app access",
    description: 'Starts the access change workflow for the ticket; its actions run in the order given. Location is the statusUrl.' + TICKET_IS_THE_IDEMPOTENCY_KEY,
    success: [
      { status: 202, description: 'Started; follow statusUrl', type: GoogleOperationResponse },
      { status: 200, description: 'This ticket already has this change (Idempotent-Replayed: true); here it is', type: GoogleOperationResponse },
    ],
    errors: [
      { status: 400, description: 'An action is unknown, or the actions both suspend and unsuspend' },
      { status: 404, description: 'No such ticket in this tenant' },
      { status: 409, description: 'The ticket has a different change, or is closed' },
    ],
  })
  async start(
    @CurrentTenant() caller: TenantPrincipal,
    @Body() body: AccessChangeRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (body.actions.includes('suspend') && body.actions.includes('unsuspend')) {
      throw new ApiError(400, 'validation_failed', 'actions cannot both suspend and unsuspend the user');
    }
    return answerStarted(response, await this.operations.start('access-change', caller, { ticketRef: body.ticketRef, userEmail: body.userEmail, parameters: { actions: body.actions } }));
  }

  @Get(':ticketRef')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: "The access change's state",
    description: "The access change workflow's status and state, and how it failed if it did." + RECORDED_STATE,
    success: { status: 200, description: 'The access change', type: GoogleOperationResponse },
    errors: [
      { status: 400, description: 'The ticket reference is malformed, or live is not true or false' },
      { status: 404, description: 'This ticket has no access change' },
    ],
  })
  get(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string, @Query() query: GoogleOperationReadQueryDto) {
    return this.operations.get('access-change', caller, ticketRef, { live: query.live === 'true' });
  }
}
