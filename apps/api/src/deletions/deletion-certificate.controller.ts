import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/access.decorators';
import { ApiRoute } from '../platform/api-route.decorator';
import { DeletionCertificatesService } from './deletion-certificates.service';
import { DeletionCertificateResponse } from './tenant-deletion-responses';

/** The tombstone of a deleted tenant: the only record that outlives it. Operators only. */
@ApiTags('tenant-deletion')
@ApiBearerAuth()
@Controller('v1/tenant-deletions')
export class DeletionCertificateController {
  constructor(private readonly certificates: DeletionCertificatesService) {}

  @Get(':tenantId/certificate')
  @OperatorOnly()
  @ApiRoute({
    summary: 'The deletion certificate of a tenant (in_progress while its rows are being deleted)',
    description: "The tombstone kept after a tenant's deletion: its slug, when deletion ran, rows deleted per table and, once complete, the certificate (data keys destroyed, workflows stopped, grants revoked).",
    success: { status: 200, description: 'The tombstone and certificate', type: DeletionCertificateResponse },
    errors: [{ status: 404, description: 'No deletion of this tenant has started' }],
  })
  certificate(@Param('tenantId', new ParseUUIDPipe()) tenantId: string) {
    return this.certificates.certificate(tenantId);
  }
}
