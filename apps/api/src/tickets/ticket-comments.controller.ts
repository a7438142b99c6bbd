import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, auditActor, principalId, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { CreateTicketCommentDto } from './create-ticket-comment.dto';
import { TicketCommentsService, type CommentEditor } from './ticket-comments.service';
import { ticketKeyOf } from './ticket-key';
import { TicketCommentResponse } from './ticket-responses';
import { UpdateTicketCommentDto } from './update-ticket-comment.dto';

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
    return this.comments.add(caller.tenantId, ticketKeyOf(id), body.body, { name: caller.keyName, principalId: principalId(caller), auditActor: auditActor(caller) });
  }

  @Patch(':commentId')
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiRoute({
    summary: "Edit a comment's text",
    description: "Its author may edit it, and so may a manager or admin. A Jira sync configured for comments carries the edit to the linked Jira comment. Comments taken from Jira are edited in Jira.",
    success: { status: 200, description: 'The comment as edited', type: TicketCommentResponse },
    errors: [
      { status: 400, description: 'The body is empty or too long' },
      { status: 404, description: 'No such ticket in this tenant, or no such comment on it' },
      { status: 409, description: 'The comment was taken from Jira' },
    ],
  })
  edit(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Param('commentId') commentId: string, @Body() body: UpdateTicketCommentDto) {
    return this.comments.edit(caller.tenantId, ticketKeyOf(id), commentId, body.body, editorOf(caller));
  }

  @Delete(':commentId')
  @HttpCode(204)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiRoute({
    summary: 'Delete a comment',
    description: 'Its author may delete it, and so may a manager or admin. It is kept for the audit trail and left out of the list; a Jira sync configured for comments deletes the linked Jira comment. Comments taken from Jira are deleted in Jira.',
    success: { status: 204, description: 'Deleted' },
    errors: [
      { status: 404, description: 'No such ticket in this tenant, or no such comment on it' },
      { status: 409, description: 'The comment was taken from Jira' },
    ],
  })
  async remove(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Param('commentId') commentId: string): Promise<void> {
    await this.comments.remove(caller.tenantId, ticketKeyOf(id), commentId, editorOf(caller));
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

function editorOf(caller: TenantPrincipal): CommentEditor {
  return { name: caller.keyName, principalId: principalId(caller), role: caller.role, auditActor: auditActor(caller) };
}
