import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, MANAGER_OR_HIGHER, type TenantPrincipal } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { idempotencyKeyOf } from '../platform/idempotency-key';
import { answerStarted } from './google-operation.response';
import { GoogleOperationsService } from './google-operations.service';
import { PasswordResetRequestDto } from './password-reset-request.dto';

@ApiTags('google-operations')
@ApiBearerAuth()
@Controller('v1/password-resets')
export class PasswordResetsController {
  constructor(private readonly operations: GoogleOperationsService) {}

  @Post()
  @HttpCode(202)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiOperation({ summary: "Reset a Workspace user's password for a ticket; the user must change it at next sign-in, always" })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Optional: the ticket already makes a repeat return the same reset' })
  @ApiResponse({ status: 202, description: 'Started; follow statusUrl' })
  @ApiResponse({ status: 200, description: 'This ticket already has this reset; here it is' })
  @ApiResponse({ status: 409, type: ApiErrorBody, description: 'The ticket has a different reset, or is closed' })
  async start(
    @CurrentTenant() caller: TenantPrincipal,
    @Body() body: PasswordResetRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    idempotencyKeyOf(idempotencyKey);
    const started = await this.operations.start('password-reset', caller, { ticketRef: body.ticketRef, userEmail: body.userEmail, parameters: { signOut: body.signOut } });
    return answerStarted(response, started);
  }

  @Get(':ticketRef')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiOperation({
    summary: "The reset's live state; agents and above also get the one-time link to the temporary password (for an approved administrator's reset: its requester, managers and admins)",
  })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  get(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string) {
    return this.operations.get('password-reset', caller, ticketRef);
  }

  @Post(':ticketRef/approve')
  @HttpCode(200)
  @TenantRoles(MANAGER_OR_HIGHER)
  @ApiOperation({ summary: "Approve the reset of an administrator's password (a manager or admin other than the requester)" })
  @ApiResponse({ status: 409, type: ApiErrorBody, description: 'Nothing awaits approval, or the caller asked for it' })
  approve(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string) {
    return this.operations.approve(caller, ticketRef);
  }

  @Post(':ticketRef/cancel')
  @HttpCode(200)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiOperation({ summary: 'Cancel a reset that is still awaiting approval' })
  @ApiResponse({ status: 409, type: ApiErrorBody })
  cancel(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string) {
    return this.operations.cancel('password-reset', caller, ticketRef);
  }
}
