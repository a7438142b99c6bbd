import { Controller, Get, HttpCode, Param, Post, Req, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ATTACHMENT_CONTENT_TYPES } from '../../../../libs/tickets/attachment-content-types';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { TicketAttachmentsService, type UploadedTicketFile } from './ticket-attachments.service';
import { ticketKeyOf } from './ticket-key';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/tickets/:id/attachments')
export class TicketAttachmentsController {
  constructor(private readonly attachments: TicketAttachmentsService) {}

  @Post()
  @HttpCode(201)
  @TenantRoles(AGENT_OR_HIGHER)
  // The role is checked (guard) before the interceptor reads the upload.
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: `Attach a file (multipart part "file"; ${ATTACHMENT_CONTENT_TYPES.join(', ')}); stored encrypted` })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  @ApiResponse({ status: 413, type: ApiErrorBody, description: 'larger than TICKET_ATTACHMENT_MAX_BYTES' })
  @ApiResponse({ status: 415, type: ApiErrorBody, description: 'type not accepted, or the bytes are not of the declared type' })
  add(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @UploadedFile() file: UploadedTicketFile | undefined, @Req() request: Request) {
    return this.attachments.add(caller.tenantId, ticketKeyOf(id), file, Boolean(request.is('multipart/form-data')), auditActor(caller));
  }

  @Get()
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiOperation({ summary: "A ticket's attachments (names, types, sizes, SHA-256), oldest first" })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  list(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string) {
    return this.attachments.list(caller.tenantId, ticketKeyOf(id));
  }

  @Get(':attachmentId')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiOperation({ summary: 'Download an attachment (always as a download, never rendered by the browser)' })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  async download(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const { attachment, content } = await this.attachments.download(caller.tenantId, ticketKeyOf(id), attachmentId, auditActor(caller));
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'private, no-store');
    response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    return new StreamableFile(content, {
      type: attachment.contentType,
      length: content.length,
      disposition: contentDisposition(attachment.fileName),
    });
  }
}

/** attachment; with an ASCII fallback name and the exact name in RFC 5987 form (RFC 6266). */
function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
