import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { CreateTicketCommentDto } from './create-ticket-comment.dto';
import { TicketCommentsService } from './ticket-comments.service';
import { ticketKeyOf } from './ticket-key';
import { TicketCommentResponse } from './ticket-responses';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/tickets/:id/comments')
export class TicketCommentsController {
  constructor(private readonly comments: TicketCommentsService) {}

  @Post()
  @HttpCode(201)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiRoute({
    summary: 'Comment on a ticket',
    description: "Adds a comment authored by the calling key's name; a Jira sync configured for comments carries it to the linked issue.",
    success: { status: 201, description: 'The comment as stored', type: TicketCommentResponse },
    errors: [
      { status: 400, description: 'The body is empty or too long' },
      { status: 404, description: 'No such ticket in this tenant' },
    ],
  })
  add(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Body() body: CreateTicketCommentDto) {
    return this.comments.add(caller.tenantId, ticketKeyOf(id), body.body, { name: caller.keyName, auditActor: auditActor(caller) });
  }

  @Get()
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: "A ticket's comments, oldest first, wherever they were written",
    description: 'Comments written through this API and those synced from the linked Jira issue (source says which).',
    success: { status: 200, description: 'The comments, oldest first', type: [TicketCommentResponse] },
    errors: [{ status: 404, description: 'No such ticket in this tenant' }],
  })
  list(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string) {
    return this.comments.list(caller.tenantId, ticketKeyOf(id));
  }
}
