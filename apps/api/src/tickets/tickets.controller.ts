import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { idempotencyKeyOf } from '../platform/idempotency-key';
import { versionEtag } from '../platform/if-match';
import { CreateTicketDto } from './create-ticket.dto';
import { TicketReadQueryDto } from './ticket-read-query.dto';
import { TicketResponse, TicketWithWorkflowResponse } from './ticket-responses';
import { TicketsService } from './tickets.service';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Post()
  @HttpCode(201)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiRoute({
    summary: 'Open a ticket; its intake workflow starts at once',
    description:
      'Creates the ticket (status new, version 1) and starts its intake workflow, which triages it. The answer carries Location (the ticket) and, for a repeat with the same Idempotency-Key, Idempotent-Replayed: true and the first ticket.',
    success: { status: 201, description: 'The ticket as created (or, replayed, as first created)', type: TicketResponse },
    errors: [{ status: 400, description: 'A field is invalid, or Idempotency-Key is malformed (1-200 of letters, digits, . _ : -)' }],
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeats with the same key return the first ticket' })
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
  @ApiRoute({
    summary: 'A ticket with the state of its workflow (by id or CT- reference)',
    description:
      "The ticket and its intake workflow's execution status and state, as the workflow's activity recorded them on the ticket (read from PostgreSQL alone); until it has, and with live=true, Temporal is asked. The ETag header is the ticket's version, for PATCH's If-Match.",
    success: { status: 200, description: 'The ticket with its workflow', type: TicketWithWorkflowResponse },
    errors: [
      { status: 400, description: 'The id is neither a UUID nor a CT- reference, or live is not true or false' },
      { status: 404, description: 'No such ticket in this tenant' },
    ],
  })
  async get(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id') id: string,
    @Query() query: TicketReadQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const ticket = await this.tickets.get(caller.tenantId, id, { live: query.live === 'true' });
    // What PATCH's If-Match compares against.
    response.setHeader('ETag', versionEtag(ticket.version));
    return ticket;
  }
}
