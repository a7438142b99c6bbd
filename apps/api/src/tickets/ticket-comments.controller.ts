import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { CreateTicketCommentDto } from './create-ticket-comment.dto';
import { TicketCommentsService } from './ticket-comments.service';
import { ticketKeyOf } from './ticket-key';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/tickets/:id/comments')
export class TicketCommentsController {
  constructor(private readonly comments: TicketCommentsService) {}

  @Post()
  @HttpCode(201)
  @TenantRoles(AGENT_OR_HIGHER)
  @ApiOperation({ summary: 'Comment on a ticket' })
  @ApiResponse({ status: 400, type: ApiErrorBody })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  add(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Body() body: CreateTicketCommentDto) {
    return this.comments.add(caller.tenantId, ticketKeyOf(id), body.body, { name: caller.keyName, auditActor: auditActor(caller) });
  }

  @Get()
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiOperation({ summary: "A ticket's comments, oldest first, wherever they were written" })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  list(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string) {
    return this.comments.list(caller.tenantId, ticketKeyOf(id));
  }
}
