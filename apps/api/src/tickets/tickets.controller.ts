import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { idempotencyKeyOf } from '../platform/idempotency-key';
import { versionEtag } from '../platform/if-match';
import { CreateTicketDto } from './create-ticket.dto';
import { TicketsService } from './tickets.service';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Post()
  @HttpCode(201)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiOperation({ summary: 'Open a ticket; its intake workflow starts at once' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeats with the same key return the first ticket' })
  @ApiResponse({ status: 400, type: ApiErrorBody })
  async create(
    @CurrentTenant() caller: TenantPrincipal,
    @Body() body: CreateTicketDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { ticket, replayed } = await this.tickets.create(
      caller.tenantId,
      body,
      { name: caller.keyName, auditActor: auditActor(caller) },
      idempotencyKeyOf(idempotencyKey),
    );
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    response.setHeader('Location', `/v1/tickets/${ticket.id}`);
    return ticket;
  }

  @Get(':id')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiOperation({ summary: 'A ticket with the live state of its workflow (by id or CT- reference)' })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  async get(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Res({ passthrough: true }) response: Response) {
    const ticket = await this.tickets.get(caller.tenantId, id);
    // What PATCH's If-Match compares against.
    response.setHeader('ETag', versionEtag(ticket.version));
    return ticket;
  }
}
