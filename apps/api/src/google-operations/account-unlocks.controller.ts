import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, type TenantPrincipal } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { idempotencyKeyOf } from '../platform/idempotency-key';
import { GoogleOperationRequestDto } from './google-operation-request.dto';
import { answerStarted } from './google-operation.response';
import { GoogleOperationsService } from './google-operations.service';

@ApiTags('google-operations')
@ApiBearerAuth()
@Controller('v1/account-unlocks')
export class AccountUnlocksController {
  constructor(private readonly operations: GoogleOperationsService) {}

  @Post()
  @HttpCode(202)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiOperation({ summary: "Lift a Workspace user's suspension for a ticket (never one Google imposed for abuse)" })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Optional: the ticket already makes a repeat return the same unlock' })
  @ApiResponse({ status: 409, type: ApiErrorBody })
  async start(
    @CurrentTenant() caller: TenantPrincipal,
    @Body() body: GoogleOperationRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    idempotencyKeyOf(idempotencyKey);
    return answerStarted(response, await this.operations.start('account-unlock', caller, { ticketRef: body.ticketRef, userEmail: body.userEmail, parameters: {} }));
  }

  @Get(':ticketRef')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiOperation({ summary: "The unlock's live state" })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  get(@CurrentTenant() caller: TenantPrincipal, @Param('ticketRef') ticketRef: string) {
    return this.operations.get('account-unlock', caller, ticketRef);
  }
}
