import { Injectable } from '@nestjs/common';
import { AuditTrail, exportAuditLines, type AuditExportFormat, type ExportedChainHead } from '../../../../libs/audit';
import { ApiError } from '../errors/api-error';

/** What an export asks for: the file format and, optionally, a time range and some actions. */
export interface AuditExportRequest {
  format: AuditExportFormat;
  from?: string;
  to?: string;
  actions?: string[];
}

/** An export ready to stream: its lines (the signed chain head first), file name and content type. */
export interface AuditExportDownload {
  filename: string;
  contentType: string;
  lines: AsyncIterable<string>;
}

/**
 * A tenant's audit trail as a verifiable file: the signed chain head as of now, then the events up to it (of the
 * range and actions asked for), each with its previous and own hash, so `npm run audit:verify -- --file` checks it
 * without the database.
 */
@Injectable()
export class AuditExportsService {
  constructor(private readonly trail: AuditTrail) {}

  async export(tenantId: string, request: AuditExportRequest): Promise<AuditExportDownload> {
    const from = request.from ? new Date(request.from) : undefined;
    const to = request.to ? new Date(request.to) : undefined;
    if (from && to && from >= to) throw new ApiError(400, 'validation_failed', '"from" must be before "to"');
    const head = await this.trail.head(tenantId);
    const exportedHead: ExportedChainHead = {
      type: 'chain_head',
      tenantId,
      lastSeq: head.lastSeq,
      lastHash: head.lastHash,
      lastAt: head.lastAt,
      signature: head.signature,
      checkpoint: head.checkpoint,
      exportedAt: new Date().toISOString(),
      filter: { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, actions: request.actions ?? null },
    };
    const events = this.trail.events(tenantId, { from, to, actions: request.actions }, head.lastSeq);
    const stamp = exportedHead.exportedAt.replace(/[:.]/g, '-');
    return {
      filename: `audit-${tenantId}-${stamp}.${request.format}`,
      contentType: request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      lines: exportAuditLines(exportedHead, events, request.format),
    };
  }
}
