import { Inject, Injectable } from '@nestjs/common';
import type { TicketAttachmentView } from '../../../../libs/contracts';
import { checkAttachmentContent } from '../../../../libs/tickets/attachment-content-types';
import { TicketAttachmentStore } from '../../../../libs/tickets/ticket-attachment-store';
import type { TicketKey } from '../../../../libs/tickets/ticket-key';
import { TenantScopedDatabase } from '../../../../libs/db';
import { ApiError, notFound } from '../errors/api-error';
import { JiraTicketChanges } from '../jira-sync/jira-ticket-changes';
import { isUuid } from './ticket-key';

/** What multer hands over for the one file of an upload (memory storage). */
export interface UploadedTicketFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

const FILE_NAME_MAX = 255;

/** Uploads are checked (type on the allow-list, bytes of that type, not empty) before anything is stored. */
@Injectable()
export class TicketAttachmentsService {
  constructor(
    @Inject(TicketAttachmentStore) private readonly store: TicketAttachmentStore,
    private readonly db: TenantScopedDatabase,
    private readonly jiraSync: JiraTicketChanges,
  ) {}

  async add(tenantId: string, key: TicketKey, file: UploadedTicketFile | undefined, isMultipart: boolean, actor: string): Promise<TicketAttachmentView> {
    if (!isMultipart) throw new ApiError(415, 'unsupported_media_type', 'upload the file as multipart/form-data in a part named "file"');
    if (!file) throw new ApiError(400, 'validation_failed', 'no file: send it in a multipart part named "file"', [{ field: 'file', problems: ['file is required'] }]);
    if (file.size === 0) throw new ApiError(400, 'validation_failed', 'the file is empty', [{ field: 'file', problems: ['file must not be empty'] }]);
    const verdict = checkAttachmentContent(file.mimetype, file.buffer);
    if (!verdict.ok) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        verdict.reason === 'not_allowed'
          ? `files of type ${verdict.contentType || '(none)'} are not accepted`
          : `the file's content is not ${verdict.contentType}`,
      );
    }
    const stored = await this.store.add(tenantId, key, {
      fileName: safeFileName(file.originalname),
      contentType: verdict.contentType,
      content: file.buffer,
      source: 'custodian',
      actor,
    });
    if (!stored) throw notFound('ticket');
    // A file added here goes to the linked Jira issue like an edit or a comment does.
    const ticket = await this.db.withTenant(tenantId, (tx) => tx.ticket.findFirst({ where: key, select: { id: true } }));
    if (ticket) await this.jiraSync.changed(tenantId, ticket.id);
    return stored;
  }

  async list(tenantId: string, key: TicketKey): Promise<TicketAttachmentView[]> {
    const attachments = await this.store.list(tenantId, key);
    if (!attachments) throw notFound('ticket');
    return attachments;
  }

  /** Removes a file uploaded here; a Jira sync configured for attachments deletes its Jira copy. */
  async remove(tenantId: string, key: TicketKey, attachmentId: string, actor: string): Promise<void> {
    const ticket = await this.db.withTenant(tenantId, (tx) => tx.ticket.findFirst({ where: key, select: { id: true } }));
    if (!ticket) throw notFound('ticket');
    const outcome = isUuid(attachmentId) ? await this.store.remove(tenantId, key, attachmentId, actor) : ({ removed: false, reason: 'not-found' } as const);
    if (!outcome.removed && outcome.reason === 'from-jira') throw new ApiError(409, 'conflict', 'this file was taken from Jira; it is deleted in Jira');
    if (!outcome.removed) throw notFound('attachment');
    await this.jiraSync.changed(tenantId, outcome.ticketId);
  }

  async download(tenantId: string, key: TicketKey, attachmentId: string, actor: string) {
    const found = isUuid(attachmentId) ? await this.store.download(tenantId, key, attachmentId, actor) : undefined;
    if (!found) throw notFound('attachment');
    return found;
  }
}

/** The name without any path, control characters or surrounding space, at most 255 characters. */
export function safeFileName(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base.replace(/[\u0000-\u001f\u007f]/g, '').trim()].slice(0, FILE_NAME_MAX).join('');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'attachment' : cleaned;
}
