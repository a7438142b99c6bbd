import { Body, Controller, Get, Headers, Param, Patch, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { versionEtag, versionsOfIfMatch } from '../platform/if-match';
import { TicketEditsService } from './ticket-edits.service';
import { ticketKeyOf } from './ticket-key';
import { UpdateTicketDto } from './update-ticket.dto';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/tickets')
export class TicketEditsController {
  constructor(private readonly edits: TicketEditsService) {}

  @Patch(':id')
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiOperation({ summary: 'Change summary, description, status, priority, type or assignee (by email) of a ticket' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag read before; a ticket changed since gets 412' })
  @ApiResponse({ status: 400, type: ApiErrorBody })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  @ApiResponse({ status: 412, type: ApiErrorBody })
  async update(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateTicketDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const ticket = await this.edits.update(caller.tenantId, ticketKeyOf(id), body, versionsOfIfMatch(ifMatch), auditActor(caller));
    response.setHeader('ETag', versionEtag(ticket.version));
    return ticket;
  }

  @Get(':id/changes')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiOperation({ summary: 'Which fields of the ticket changed, when, by whom and on which side (Custodian or Jira)' })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  changes(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string) {
    return this.edits.changes(caller.tenantId, ticketKeyOf(id));
  }
}
