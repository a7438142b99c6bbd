import type { Version3Models } from 'jira.js';
import { appendAuditEvent } from '../audit';
import { JiraConnectorError } from '../connectors/jira/jira-errors';
import type { ConnectedJiraSite } from '../connectors/jira/jira-site-connections';
import type { TenantScopedDatabase } from '../db';
import { checkAttachmentContent } from '../tickets/attachment-content-types';
import type { TicketAttachmentStore } from '../tickets/ticket-attachment-store';

export interface AttachmentSyncResult {
  toJira: number;
  fromJira: number;
  /** Files removed on the ticket whose Jira copy was deleted now. */
  removedToJira: number;
  /** Linked files Jira no longer has, marked removed on the ticket now. */
  removedFromJira: number;
  /** Files left out, with why (never their names or content). */
  problems: string[];
}

/**
 * Files both ways, each once: a Jira file not yet on the ticket (and not Custodian's own upload) is downloaded,
 * checked like an upload (allowed type, bytes of that type, size cap) and stored encrypted with Jira's id; a
 * ticket file not yet in Jira is uploaded and linked. An upload Jira took whose link was not committed (a
 * retry after a crash) is found among the app's unlinked files by name and size instead of being sent again.
 * Deletions follow links only: a linked file Jira no longer lists is marked removed on the ticket, and a file
 * uploaded here and removed here has its Jira copy deleted.
 */
export class JiraAttachmentSync {
  constructor(
    private readonly options: {
      db: TenantScopedDatabase;
      attachments: TicketAttachmentStore;
      maxBytes: number;
    },
  ) {}

  async sync(
    tenantId: string,
    connected: ConnectedJiraSite,
    pair: { ticketId: string; issueId: string; issueKey: string; jiraAttachments: Version3Models.Attachment[] },
    directions: { toJira: boolean; fromJira: boolean },
    requestIds: string[],
  ): Promise<AttachmentSyncResult> {
    const { db, attachments } = this.options;
    const result: AttachmentSyncResult = { toJira: 0, fromJira: 0, removedToJira: 0, removedFromJira: 0, problems: [] };
    const ours = await db.withTenant(tenantId, (tx) =>
      tx.$queryRaw<{ id: string; file_name: string; size_bytes: number; source: string; external_id: string | null; jira_attachment_id: string | null; removed_at: Date | null; ticket_ref: string }[]>`
        SELECT a.id::text AS id, a.file_name, a.size_bytes, a.source, a.external_id, l.jira_attachment_id, a.removed_at, t.ref AS ticket_ref FROM ticket_attachments a
        JOIN tickets t ON t.id = a.ticket_id
        LEFT JOIN jira_attachment_links l ON l.attachment_id = a.id WHERE a.ticket_id = ${pair.ticketId}::uuid ORDER BY a.created_at, a.id`,
    );
    const known = new Set(ours.flatMap((file) => [file.external_id, file.jira_attachment_id]).filter((id): id is string => Boolean(id)));
    const inJira = new Set(pair.jiraAttachments.map((file) => file.id));
    if (directions.fromJira) {
      for (const file of ours) {
        const jiraId = file.jira_attachment_id ?? (file.source === 'jira' ? file.external_id : null);
        if (file.removed_at || !jiraId || inJira.has(jiraId)) continue;
        await db.withTenant(tenantId, async (tx) => {
          const removed = await tx.ticketAttachment.updateMany({ where: { id: file.id, removedAt: null }, data: { removedAt: new Date() } });
          if (removed.count === 0) return;
          await appendAuditEvent(tx, tenantId, { actor: `jira:${pair.issueKey}`, action: 'ticket.attachment_removed', target: file.ticket_ref, outcome: 'success', details: { attachmentId: file.id, source: 'jira', issueKey: pair.issueKey, jiraAttachmentId: jiraId } });
          result.removedFromJira += 1;
        });
      }
      for (const file of pair.jiraAttachments) {
        if (!file.id || known.has(file.id) || file.author?.accountId === connected.accountId) continue;
        if ((file.size ?? 0) > this.options.maxBytes) {
          result.problems.push(`a Jira attachment of ${pair.issueKey} is larger than the ticket attachment limit`);
          continue;
        }
        const download = await connected.site.getAttachmentContent(file.id);
        if (download.requestId) requestIds.push(download.requestId);
        const verdict = checkAttachmentContent(file.mimeType ?? 'application/octet-stream', download.data);
        if (!verdict.ok) {
          result.problems.push(`a Jira attachment of ${pair.issueKey} was not taken: ${verdict.reason} (${verdict.contentType})`);
          continue;
        }
        await attachments.add(tenantId, { id: pair.ticketId }, { fileName: file.filename ?? `jira-${file.id}`, contentType: verdict.contentType, content: download.data, source: 'jira', externalId: file.id, actor: `jira:${pair.issueKey}` });
        result.fromJira += 1;
      }
    }
    if (directions.toJira) {
      const linked = new Set(known);
      const unlinkedOwn = pair.jiraAttachments.filter((file) => file.id && file.author?.accountId === connected.accountId && !linked.has(file.id));
      for (const file of ours) {
        if (file.source !== 'custodian' || !file.removed_at || !file.jira_attachment_id || !inJira.has(file.jira_attachment_id)) continue;
        try {
          const deleted = await connected.site.deleteAttachment(file.jira_attachment_id);
          if (deleted.requestId) requestIds.push(deleted.requestId);
          result.removedToJira += 1;
        } catch (error) {
          // Gone from Jira meanwhile: where it should be.
          if (!(error instanceof JiraConnectorError && error.type === 'JiraNotFound')) throw error;
        }
      }
      for (const file of ours) {
        if (file.source !== 'custodian' || file.jira_attachment_id || file.removed_at) continue;
        const earlier = unlinkedOwn.findIndex((candidate) => candidate.filename === file.file_name && candidate.size === file.size_bytes);
        let jiraId: string;
        if (earlier >= 0) {
          jiraId = unlinkedOwn.splice(earlier, 1)[0].id!;
        } else {
          const stored = await attachments.download(tenantId, { id: pair.ticketId }, file.id, 'system:jira-sync');
          if (!stored) continue;
          const uploaded = await connected.site.addAttachment(pair.issueKey, { filename: stored.attachment.fileName, mimeType: stored.attachment.contentType, content: stored.content });
          if (uploaded.requestId) requestIds.push(uploaded.requestId);
          jiraId = uploaded.data[0]!.id!;
          result.toJira += 1;
        }
        await db.withTenant(tenantId, (tx) =>
          tx.$executeRaw`INSERT INTO jira_attachment_links (tenant_id, attachment_id, issue_id, jira_attachment_id) VALUES (${tenantId}::uuid, ${file.id}::uuid, ${pair.issueId}, ${jiraId}) ON CONFLICT DO NOTHING`,
        );
      }
    }
    return result;
  }
}
