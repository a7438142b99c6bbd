import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { GoogleOperationResponse } from './google-operation-responses';
import { GoogleOperationRequestDto } from './google-operation-request.dto';
import { answerStarted, TICKET_IS_THE_IDEMPOTENCY_KEY } from './google-operation.response';
import { GoogleOperationReadQueryDto, RECORDED_STATE } from './google-operation-read-query.dto';
import { GoogleOperationsService } from './google-operations.service';

@ApiTags('google-operations')
@ApiBearerAuth()
@Controller('v1/account-unlocks')
export class AccountUnlocksController {
  constructor(private readonly operations: GoogleOperationsService) {}

  @Post()
  @HttpCode(202)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiRoute({
    summary: "Lift a Workspace user's suspension for a ticket (never one Google imposed for abuse)",
    description:
      'Starts the account unlock workflow for the ticket: it looks the user up and lifts a suspension an administrator imposed; a suspension Google imposed is left alone and the operation fails saying so. Location is the statusUrl.' + TICKET_IS_THE_IDEMPOTENCY_KEY,
    success: [
      { status: 202, description: 'Started; follow statusUrl', type: GoogleOperationResponse },
      { status: 200, description: 'This ticket already has this unlock (Idempotent-Replayed: true); here it is', type: GoogleOperationResponse },
    ],
    errors: [
      { status: 404, description: 'No such ticket in this tenant' },
      { status: 409, description: 'The ticket has a different unlock, or is closed' },
    ],
  })
  async start(
    @CurrentTenant() caller: TenantPrincipal,
    @Body() body: GoogleOperationRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return answerStarted(response, await this.operations.start('account-unlock', caller, { ticketRef: body.ticketRef, userEmail: body.userEmail, parameters: {} }));
  }

  @Get(':ticketRef')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: "The unlock's state",
    description: "The unlock workflow's status and state, and how it failed if it did." + RECORDED_STATE,
    success: { status: 200, description: 'The unlock', type: GoogleOperationResponse },
    errors: [
      { status: 400, description: 'The ticket reference is malformed, or live is not true or false' },
      { status: 404, description: 'This ticket has no account unlock' },
    ],
  })
  get(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string, @Query() query: GoogleOperationReadQueryDto) {
    return this.operations.get('account-unlock', caller, ticketRef, { live: query.live === 'true' });
  }
}
