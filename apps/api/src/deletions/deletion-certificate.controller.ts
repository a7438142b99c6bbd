import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TenantScopedDatabase } from '../../../../libs/db';
import { OperatorOnly } from '../auth/access.decorators';
import { ApiErrorBody, notFound } from '../errors/api-error';

/** The tombstone of a deleted tenant: the only record that outlives it. Operators only. */
@ApiTags('tenant-deletion')
@ApiBearerAuth()
@Controller('v1/tenant-deletions')
export class DeletionCertificateController {
  constructor(private readonly db: TenantScopedDatabase) {}

  @Get(':tenantId/certificate')
  @OperatorOnly()
  @ApiOperation({ summary: 'The deletion certificate of a tenant (in_progress while its rows are being deleted)' })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  async certificate(@Param('tenantId', new ParseUUIDPipe()) tenantId: string) {
    const tombstone = await this.db.prisma.tenantTombstone.findUnique({ where: { deletedTenantId: tenantId } });
    if (!tombstone) throw notFound('deletion of this tenant');
    return {
      tenantId,
      status: tombstone.completedAt ? 'completed' : 'in_progress',
      tenantSlug: tombstone.tenantSlug,
      startedAt: tombstone.startedAt.toISOString(),
      completedAt: tombstone.completedAt?.toISOString() ?? null,
      deletedRows: tombstone.deletedRows,
      certificate: tombstone.certificate,
    };
  }
}
