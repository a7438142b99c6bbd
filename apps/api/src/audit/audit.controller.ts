import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AuditTrail, exportAuditLines, type ExportedChainHead } from '../../../../libs/audit';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import type { TenantPrincipal, TenantRole } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { AuditExportQueryDto } from './audit-export-query.dto';
import { RecentAuditEventsQueryDto } from './recent-audit-events-query.dto';

const AUDIT_READERS: readonly TenantRole[] = ['admin', 'auditor'];

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly trail: AuditTrail) {}

  @Get('verify')
  @TenantRoles(AUDIT_READERS)
  @ApiOperation({ summary: "Recompute this tenant's hash chain: ok, or the first broken seq" })
  verify(@CurrentTenant() caller: TenantPrincipal) {
    return this.trail.verify(caller.tenantId);
  }

  @Get('events')
  @TenantRoles(AUDIT_READERS)
  @ApiOperation({ summary: 'The latest events, newest first (the tenant page shows the last 50)' })
  async recent(@CurrentTenant() caller: TenantPrincipal, @Query() query: RecentAuditEventsQueryDto) {
    const events = await this.trail.recent(caller.tenantId, query.limit);
    return events.map((event) => ({
      seq: event.seq,
      at: event.at.toISOString(),
      actor: event.actor,
      action: event.action,
      target: event.target,
      outcome: event.outcome,
      details: event.details,
      hash: Buffer.from(event.hash).toString('hex'),
    }));
  }

  @Get('export')
  @TenantRoles(AUDIT_READERS)
  @ApiOperation({ summary: 'Export events as JSON Lines or CSV, with the chain head, verifiable offline' })
  async export(@CurrentTenant() caller: TenantPrincipal, @Query() query: AuditExportQueryDto, @Res() response: Response) {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from >= to) throw new ApiError(400, 'validation_failed', '"from" must be before "to"');
    const head = await this.trail.head(caller.tenantId);
    const exportedHead: ExportedChainHead = {
      type: 'chain_head',
      tenantId: caller.tenantId,
      lastSeq: head.lastSeq,
      lastHash: head.lastHash,
      checkpoint: head.checkpoint,
      exportedAt: new Date().toISOString(),
      filter: { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, actions: query.action ?? null },
    };
    const events = this.trail.events(caller.tenantId, { from, to, actions: query.action }, head.lastSeq);
    const stamp = exportedHead.exportedAt.replace(/[:.]/g, '-');
    response.setHeader('Content-Type', query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    response.setHeader('Content-Disposition', `attachment; filename="audit-${caller.tenantId}-${stamp}.${query.format}"`);
    await pipeline(Readable.from(exportAuditLines(exportedHead, events, query.format)), response);
  }
}
