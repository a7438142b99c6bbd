import { Body, Controller, Get, Headers, Param, Patch, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { versionEtag, versionsOfIfMatch } from '../platform/if-match';
import { TicketEditsService } from './ticket-edits.service';
import { ticketKeyOf } from './ticket-key';
import { TicketFieldChangeResponse, TicketResponse } from './ticket-responses';
import { UpdateTicketDto } from './update-ticket.dto';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/tickets')
export class TicketEditsController {
  constructor(private readonly edits: TicketEditsService) {}

  @Patch(':id')
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiRoute({
    summary: 'Change summary, description, status, priority, type or assignee (by email) of a ticket',
    description:
      'Changes only the fields given (at least one); each change is recorded in the ticket\'s change history and bumps its version. With If-Match, a ticket changed since it was read is refused with 412. The answer\'s ETag is the new version.',
    success: { status: 200, description: 'The ticket after the change', type: TicketResponse },
    errors: [
      { status: 400, description: 'No editable field given, a field is invalid, or If-Match is malformed' },
      { status: 404, description: 'No such ticket in this tenant' },
      { status: 412, description: 'The ticket changed since the ETag in If-Match was read' },
    ],
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag read before; a ticket changed since gets 412' })
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
  @ApiRoute({
    summary: 'Which fields of the ticket changed, when, by whom and on which side (Custodian or Jira)',
    description: 'The change history of the editable fields, oldest first, whether the change came through this API or from the linked Jira issue.',
    success: { status: 200, description: 'The changes, oldest first', type: [TicketFieldChangeResponse] },
    errors: [{ status: 404, description: 'No such ticket in this tenant' }],
  })
  changes(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string) {
    return this.edits.changes(caller.tenantId, ticketKeyOf(id));
  }
}
