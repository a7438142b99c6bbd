import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AuditTrail } from '../../../../libs/audit';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import type { TenantPrincipal, TenantRole } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { AuditExportQueryDto } from './audit-export-query.dto';
import { AuditExportsService } from './audit-exports.service';
import { AUDIT_EXPORT_EXAMPLES, AuditEventResponse, ChainVerificationResponse } from './audit-responses';
import { RecentAuditEventsQueryDto } from './recent-audit-events-query.dto';

const AUDIT_READERS: readonly TenantRole[] = ['admin', 'auditor'];

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly trail: AuditTrail,
    private readonly exports: AuditExportsService,
  ) {}

  @Get('verify')
  @TenantRoles(AUDIT_READERS)
  @ApiRoute({
    summary: "Recompute this tenant's hash chain: ok, or the first broken seq",
    description: "Recomputes every event's hash from its contents and its predecessor and checks the signed chain head, from the start (or the retention checkpoint). A broken chain is a 200 with ok: false, naming the first seq that does not verify and why.",
    success: { status: 200, description: 'The verification', type: ChainVerificationResponse },
  })
  verify(@CurrentTenant() caller: TenantPrincipal) {
    return this.trail.verify(caller.tenantId);
  }

  @Get('events')
  @TenantRoles(AUDIT_READERS)
  @ApiRoute({
    summary: 'The latest events, newest first (the tenant page shows the last 50)',
    description: 'The most recent audit events of this tenant with their chain hashes; for evidence, use the export, which can be verified offline.',
    success: { status: 200, description: 'The events, newest first', type: [AuditEventResponse] },
  })
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
  @ApiRoute({
    summary: 'Export events as JSON Lines or CSV, with the chain head, verifiable offline',
    description:
      'Streams the events (optionally of a time range and of some actions) as a download, the signed chain head first, each event with its previous and own hash, so `npm run audit:verify -- --file <export>` can check it without the database.',
    success: {
      status: 200,
      description: 'The export (Content-Disposition: attachment)',
      media: { 'application/x-ndjson': AUDIT_EXPORT_EXAMPLES.jsonl, 'text/csv': AUDIT_EXPORT_EXAMPLES.csv },
    },
    errors: [{ status: 400, description: 'format is not jsonl or csv, a time is not ISO 8601, or "from" is not before "to"' }],
  })
  async export(@CurrentTenant() caller: TenantPrincipal, @Query() query: AuditExportQueryDto, @Res() response: Response) {
    const download = await this.exports.export(caller.tenantId, { format: query.format, from: query.from, to: query.to, actions: query.action });
    response.setHeader('Content-Type', download.contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${download.filename}"`);
    await pipeline(Readable.from(download.lines), response);
  }
}
