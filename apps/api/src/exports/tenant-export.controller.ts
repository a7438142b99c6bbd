import { Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal } from '../auth/principal';
import { ApiError, ApiErrorBody } from '../errors/api-error';
import { TenantExportService } from './tenant-export.service';

@ApiTags('tenant-export')
@Controller('v1/tenant/export')
export class TenantExportController {
  constructor(private readonly exports: TenantExportService) {}

  @Post()
  @HttpCode(202)
  @ApiBearerAuth()
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: "Export all of this tenant's data as one JSON bundle (built by a workflow)" })
  request(@CurrentTenant() caller: TenantPrincipal) {
    return this.exports.request(caller.tenantId, auditActor(caller));
  }

  @Get(':id')
  @ApiBearerAuth()
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'An export: building, or ready with a signed link good for one download until it expires' })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  get(@CurrentTenant() caller: TenantPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.exports.get(caller.tenantId, id);
  }

  @Get(':id/download')
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiQuery({ name: 'token', description: 'From the downloadUrl of the export' })
  @ApiOperation({ summary: 'Download the bundle through its signed link: once; afterwards 410' })
  @ApiResponse({ status: 410, type: ApiErrorBody, description: 'export_already_downloaded or export_link_expired' })
  async download(@Param('id', new ParseUUIDPipe()) id: string, @Query('token') token: string | undefined, @Res() response: Response) {
    if (typeof token !== 'string' || token.length > 2000) throw new ApiError(403, 'forbidden', 'this download link is not valid');
    const { bundle, tenantId } = await this.exports.download(id, token);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="custodian-export-${tenantId}-${id}.json"`);
    response.send(bundle);
  }
}
