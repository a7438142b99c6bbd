import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, MANAGER_OR_HIGHER, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { RequestOrigin } from '../platform/request-origin.decorator';
import { AwaitingApprovalResponse, GoogleOperationResponse } from './google-operation-responses';
import { answerStarted, TICKET_IS_THE_IDEMPOTENCY_KEY } from './google-operation.response';
import { GoogleOperationReadQueryDto, RECORDED_STATE } from './google-operation-read-query.dto';
import { GoogleOperationsService } from './google-operations.service';
import { PasswordResetRequestDto } from './password-reset-request.dto';
import { PasswordResetsQueryDto } from './password-resets-query.dto';

@ApiTags('google-operations')
@ApiBearerAuth()
@Controller('v1/password-resets')
export class PasswordResetsController {
  constructor(private readonly operations: GoogleOperationsService) {}

  @Post()
  @HttpCode(202)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiRoute({
    summary: "Reset a Workspace user's password for a ticket; the user must change it at next sign-in, always",
    description:
      "Starts the password reset workflow for the ticket: it looks the user up, waits for a manager's approval when the user is an administrator, sets a random temporary password with changePasswordAtNextLogin and puts the password behind a one-time link (GET the statusUrl for it). Users of org units declared as SSO are refused. Location is the statusUrl." + TICKET_IS_THE_IDEMPOTENCY_KEY,
    success: [
      { status: 202, description: 'Started; follow statusUrl', type: GoogleOperationResponse },
      { status: 200, description: 'This ticket already has this reset (Idempotent-Replayed: true); here it is', type: GoogleOperationResponse },
    ],
    errors: [
      { status: 404, description: 'No such ticket in this tenant' },
      { status: 409, description: 'The ticket has a different reset, or is closed' },
    ],
  })
  async start(
    @CurrentTenant() caller: TenantPrincipal,
    @Body() body: PasswordResetRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const started = await this.operations.start('password-reset', caller, { ticketRef: body.ticketRef, userEmail: body.userEmail, parameters: { signOut: body.signOut } });
    return answerStarted(response, started);
  }

  @Get()
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: "The tenant's resets of administrators that wait for approval",
    description:
      'Running password resets whose workflow waits for a manager or admin to approve, oldest ticket first; requestedByYou marks those the caller asked for (they cannot approve them). A reset shows up a moment after it starts waiting.',
    success: { status: 200, description: 'The resets awaiting approval', type: [AwaitingApprovalResponse] },
    errors: [{ status: 400, description: 'status is not awaiting_approval' }],
  })
  awaitingApproval(@CurrentTenant() caller: TenantPrincipal, @Query() _query: PasswordResetsQueryDto) {
    return this.operations.awaitingApproval(caller);
  }

  @Get(':ticketRef')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: "The reset's state, with the one-time link to the temporary password for those allowed to hand it over",
    description:
      "The workflow's status and state. While the temporary password is unseen, agents and above also get temporaryPassword (its one-time link); for an approved administrator's reset, only its requester, managers and admins do." +
      RECORDED_STATE,
    success: { status: 200, description: 'The reset', type: GoogleOperationResponse },
    errors: [
      { status: 400, description: 'The ticket reference is malformed, or live is not true or false' },
      { status: 404, description: 'This ticket has no password reset' },
    ],
  })
  get(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string, @Query() query: GoogleOperationReadQueryDto, @RequestOrigin() origin: string) {
    return this.operations.get('password-reset', caller, ticketRef, { origin, live: query.live === 'true' });
  }

  @Post(':ticketRef/approve')
  @HttpCode(200)
  @TenantRoles(MANAGER_OR_HIGHER)
  @ApiRoute({
    summary: "Approve the reset of an administrator's password (a manager or admin other than the requester)",
    description: 'Resets of administrators wait for approval by a manager or admin who did not request them; approving lets the workflow set the password.',
    success: { status: 200, description: 'The reset after approval', type: GoogleOperationResponse },
    errors: [
      { status: 404, description: 'This ticket has no password reset' },
      { status: 409, description: 'Nothing awaits approval, or the caller asked for it' },
    ],
  })
  approve(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string, @RequestOrigin() origin: string) {
    return this.operations.approve(caller, ticketRef, origin);
  }

  @Post(':ticketRef/cancel')
  @HttpCode(200)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiRoute({
    summary: 'Cancel a reset that is still awaiting approval',
    description: 'Ends a reset that waits for approval without touching the user; a reset past approval can no longer be cancelled.',
    success: { status: 200, description: 'The reset, cancelled', type: GoogleOperationResponse },
    errors: [
      { status: 404, description: 'This ticket has no password reset' },
      { status: 409, description: 'The reset is not awaiting approval' },
    ],
  })
  cancel(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string, @RequestOrigin() origin: string) {
    return this.operations.cancel('password-reset', caller, ticketRef, origin);
  }
}
