import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ATTACHMENT_CONTENT_TYPES } from '../../../../libs/tickets/attachment-content-types';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { AGENT_OR_HIGHER, ANY_TENANT_ROLE, auditActor, MANAGER_OR_HIGHER, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { TicketAttachmentsService, type UploadedTicketFile } from './ticket-attachments.service';
import { MultipartFormDataOnly } from './multipart-form-data-only.interceptor';
import { ticketKeyOf } from './ticket-key';
import { TicketAttachmentResponse } from './ticket-responses';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/tickets/:id/attachments')
export class TicketAttachmentsController {
  constructor(private readonly attachments: TicketAttachmentsService) {}

  @Post()
  @HttpCode(201)
  @TenantRoles(AGENT_OR_HIGHER)
  // The role is checked (guard) before the interceptors read the upload.
  @UseInterceptors(MultipartFormDataOnly, FileInterceptor('file'))
  @ApiRoute({
    summary: `Attach a file (multipart part "file"; ${ATTACHMENT_CONTENT_TYPES.join(', ')}); stored encrypted`,
    description:
      'Uploads one file in the multipart part "file". Its declared type must be one of the accepted types and its bytes must match it; it is stored envelope-encrypted under a data key of its own and its SHA-256 is recorded.',
    success: { status: 201, description: 'The attachment as stored (no content)', type: TicketAttachmentResponse },
    errors: [
      { status: 400, description: 'No "file" part, or the file is empty' },
      { status: 404, description: 'No such ticket in this tenant' },
      { status: 413, description: 'Larger than TICKET_ATTACHMENT_MAX_BYTES' },
      { status: 415, description: 'Not multipart/form-data, a type not accepted, or bytes that are not of the declared type' },
    ],
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  add(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @UploadedFile() file: UploadedTicketFile | undefined, @Req() request: Request) {
    return this.attachments.add(caller.tenantId, ticketKeyOf(id), file, Boolean(request.is('multipart/form-data')), auditActor(caller));
  }

  @Get()
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: "A ticket's attachments (names, types, sizes, SHA-256), oldest first",
    description: 'The attachments of the ticket, whether uploaded here or synced from Jira, without their content.',
    success: { status: 200, description: 'The attachments, oldest first', type: [TicketAttachmentResponse] },
    errors: [{ status: 404, description: 'No such ticket in this tenant' }],
  })
  list(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string) {
    return this.attachments.list(caller.tenantId, ticketKeyOf(id));
  }

  @Get(':attachmentId')
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: 'Download an attachment (always as a download, never rendered by the browser)',
    description:
      'The decrypted file, with its stored Content-Type, Content-Disposition: attachment (the exact name in RFC 5987 form), nosniff and a sandboxing Content-Security-Policy. Each download is audited.',
    success: { status: 200, description: "The file's bytes, with the type it was uploaded as", schema: { type: 'string', format: 'binary' }, media: { 'application/octet-stream': undefined } },
    errors: [{ status: 404, description: 'No such ticket, or no such attachment on it' }],
  })
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

  // Managers and admins: an upload records its uploader's key name, which does not identify the key.
  @Delete(':attachmentId')
  @HttpCode(204)
  @TenantRoles(MANAGER_OR_HIGHER)
  @ApiRoute({
    summary: 'Remove an attachment uploaded here',
    description: 'It is kept for the audit trail, left out of the list and no longer downloadable; a Jira sync configured for attachments deletes its Jira copy. Files taken from Jira are deleted in Jira. Audited.',
    success: { status: 204, description: 'Removed' },
    errors: [
      { status: 404, description: 'No such ticket, or no such attachment on it' },
      { status: 409, description: 'The file was taken from Jira' },
    ],
  })
  async remove(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Param('attachmentId') attachmentId: string): Promise<void> {
    await this.attachments.remove(caller.tenantId, ticketKeyOf(id), attachmentId, auditActor(caller));
  }
}

/** attachment; with an ASCII fallback name and the exact name in RFC 5987 form (RFC 6266). */
function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
