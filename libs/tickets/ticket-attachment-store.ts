import { createHash, randomUUID } from 'node:crypto';
import { appendAuditEvent } from '../audit';
import type { TicketAttachmentView, TicketChangeSource } from '../contracts/ticket-edits';
import { dataKeyRowOf, storedDataKeyOf } from '../crypto/data-key-row';
import type { EnvelopeEncryption } from '../crypto/envelope-encryption';
import type { TenantScopedDatabase } from '../db';
import type { TicketKey } from './ticket-key';

const PURPOSE = 'ticket-attachment';

export interface NewTicketAttachment {
  fileName: string;
  /** Already checked against the allow-list and the bytes (attachment-content-types.ts). */
  contentType: string;
  content: Buffer;
  source: TicketChangeSource;
  externalId?: string;
  /** Who added it, as the audit trail names them. */
  actor: string;
}

/**
 * Ticket files, each envelope-encrypted under a data key of its own bound to tenant, attachment and purpose:
 * the plaintext is never stored, a row copied to another tenant or attachment does not decrypt, and deleting
 * an attachment's data key shreds it. Adding and downloading are audited (ids, type and size; never the name
 * or the content).
 */
export class TicketAttachmentStore {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly encryption: EnvelopeEncryption,
  ) {}

  /** The stored attachment, or undefined when the tenant has no such ticket. */
  async add(tenantId: string, ticket: TicketKey, file: NewTicketAttachment): Promise<TicketAttachmentView | undefined> {
    const id = randomUUID();
    const context = { tenantId, integrationId: id, purpose: PURPOSE };
    const dataKey = await this.encryption.createDataKey(context);
    const ciphertext = Buffer.from(await this.encryption.encrypt(file.content, context, dataKey), 'base64url');
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const stored = await this.db.withTenant(tenantId, async (tx) => {
      const found = await tx.ticket.findFirst({ where: ticket, select: { id: true, ref: true } });
      if (!found) return undefined;
      await tx.dataKey.create({ data: dataKeyRowOf(dataKey, tenantId, id) });
      const row = await tx.ticketAttachment.create({
        data: {
          id,
          tenantId,
          ticketId: found.id,
          fileName: file.fileName,
          contentType: file.contentType,
          sizeBytes: file.content.length,
          sha256,
          dataKeyId: dataKey.id,
          ciphertext: new Uint8Array(ciphertext),
          source: file.source,
          externalId: file.externalId ?? null,
          uploadedBy: file.actor,
        },
        omit: { ciphertext: true },
      });
      await appendAuditEvent(tx, tenantId, {
        actor: file.actor,
        action: 'ticket.attachment_added',
        target: found.ref,
        outcome: 'success',
        details: { attachmentId: id, contentType: file.contentType, sizeBytes: file.content.length, source: file.source },
      });
      return row;
    });
    if (!stored) this.encryption.cache.forget(dataKey.id);
    return stored && toAttachmentView(stored);
  }

  /**
   * Marks an attachment written here removed: kept (the audit trail and a Jira link name it), no longer listed
   * or downloadable; audited. A file taken from Jira is removed in Jira (its deletion then reaches the ticket).
   */
  async remove(tenantId: string, ticket: TicketKey, attachmentId: string, actor: string): Promise<{ removed: true; ticketId: string } | { removed: false; reason: 'not-found' | 'from-jira' }> {
    return this.db.withTenant(tenantId, async (tx) => {
      const row = await tx.ticketAttachment.findFirst({ where: { id: attachmentId, ticket, removedAt: null }, select: { id: true, source: true, ticketId: true, ticket: { select: { ref: true } } } });
      if (!row) return { removed: false, reason: 'not-found' };
      if (row.source !== 'custodian') return { removed: false, reason: 'from-jira' };
      const updated = await tx.ticketAttachment.updateMany({ where: { id: row.id, removedAt: null }, data: { removedAt: new Date() } });
      if (updated.count === 0) return { removed: false, reason: 'not-found' };
      await appendAuditEvent(tx, tenantId, { actor, action: 'ticket.attachment_removed', target: row.ticket.ref, outcome: 'success', details: { attachmentId: row.id, source: 'custodian' } });
      return { removed: true, ticketId: row.ticketId };
    });
  }

  /** The ticket's attachments, oldest first, or undefined when the tenant has no such ticket. */
  async list(tenantId: string, ticket: TicketKey): Promise<TicketAttachmentView[] | undefined> {
    return this.db.withTenant(tenantId, async (tx) => {
      const found = await tx.ticket.findFirst({ where: ticket, select: { id: true } });
      if (!found) return undefined;
      const rows = await tx.ticketAttachment.findMany({ where: { ticketId: found.id, removedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], omit: { ciphertext: true } });
      return rows.map(toAttachmentView);
    });
  }

  /** One attachment's bytes, audited as downloaded by `actor`; undefined when ticket or attachment is not the tenant's. */
  async download(tenantId: string, ticket: TicketKey, attachmentId: string, actor: string): Promise<{ attachment: TicketAttachmentView; content: Buffer } | undefined> {
    const row = await this.db.withTenant(tenantId, (tx) =>
      tx.ticketAttachment.findFirst({ where: { id: attachmentId, ticket, removedAt: null }, include: { dataKey: true, ticket: { select: { ref: true } } } }),
    );
    if (!row) return undefined;
    const content = await this.encryption.decrypt(Buffer.from(row.ciphertext), { tenantId, integrationId: row.id, purpose: PURPOSE }, storedDataKeyOf(row.dataKey));
    await this.db.withTenant(tenantId, (tx) =>
      appendAuditEvent(tx, tenantId, {
        actor,
        action: 'ticket.attachment_downloaded',
        target: row.ticket.ref,
        outcome: 'success',
        details: { attachmentId: row.id, contentType: row.contentType, sizeBytes: row.sizeBytes },
      }),
    );
    return { attachment: toAttachmentView(row), content };
  }
}

function toAttachmentView(row: {
  id: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  source: string;
  externalId: string | null;
  uploadedBy: string;
  createdAt: Date;
}): TicketAttachmentView {
  return {
    id: row.id,
    fileName: row.fileName,
    contentType: row.contentType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    source: row.source as TicketChangeSource,
    externalId: row.externalId,
    uploadedBy: row.uploadedBy,
    createdAt: row.createdAt.toISOString(),
  };
}
