import { Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { TENANT_EXPORT_BUNDLE_EXAMPLE, TENANT_EXPORT_BUNDLE_SCHEMA, TenantExportResponse } from './tenant-export-responses';
import { TenantExportService } from './tenant-export.service';

@ApiTags('tenant-export')
@Controller('v1/tenant/export')
export class TenantExportController {
  constructor(private readonly exports: TenantExportService) {}

  @Post()
  @HttpCode(202)
  @ApiBearerAuth()
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: "Export all of this tenant's data as one JSON bundle (built by a workflow)",
    description: 'Starts a workflow that builds the bundle (tenant, keys without key material, contacts, tickets with comments, integrations without tokens, notifications, the audit trail with its chain head). GET the export until it is ready, then download it once through its signed link.',
    success: { status: 202, description: 'The export, building', type: TenantExportResponse },
    errors: [{ status: 503, description: 'The export workflow could not be started; try again' }],
  })
  request(@CurrentTenant() caller: TenantPrincipal) {
    return this.exports.request(caller.tenantId, auditActor(caller));
  }

  @Get(':id')
  @ApiBearerAuth()
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'An export: building, or ready with a signed link good for one download until it expires',
    description: 'The export\'s status; while ready, downloadUrl is a signed link good for one download until expiresAt.',
    success: { status: 200, description: 'The export', type: TenantExportResponse },
    errors: [{ status: 404, description: 'No such export in this tenant' }],
  })
  get(@CurrentTenant() caller: TenantPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.exports.get(caller.tenantId, id);
  }

  @Get(':id/download')
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiQuery({ name: 'token', description: 'From the downloadUrl of the export' })
  @ApiRoute({
    summary: 'Download the bundle through its signed link: once; afterwards 410',
    description: 'The link is the credential (no API key): its signed token names the export and expires. The bundle is deleted as it is downloaded.',
    success: {
      status: 200,
      description: 'The bundle (Content-Disposition: attachment)',
      schema: TENANT_EXPORT_BUNDLE_SCHEMA,
      media: { 'application/json': TENANT_EXPORT_BUNDLE_EXAMPLE },
    },
    errors: [
      { status: 403, description: 'The token is missing, forged, or for another export' },
      { status: 404, description: 'No such export' },
      { status: 410, description: 'export_already_downloaded or export_link_expired' },
    ],
  })
  async download(@Param('id', new ParseUUIDPipe()) id: string, @Query('token') token: string | undefined, @Res() response: Response) {
    if (typeof token !== 'string' || token.length > 2000) throw new ApiError(403, 'forbidden', 'this download link is not valid');
    const { bundle, tenantId } = await this.exports.download(id, token);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="custodian-export-${tenantId}-${id}.json"`);
    response.send(bundle);
  }
}
