import { Injectable } from '@nestjs/common';
import { TenantScopedDatabase } from '../../../../libs/db';
import { notFound } from '../errors/api-error';

/** A tombstone as operators read it: how far the deletion got and, once complete, its certificate. */
export interface DeletionCertificateView {
  tenantId: string;
  status: 'completed' | 'in_progress';
  tenantSlug: string;
  startedAt: string;
  completedAt: string | null;
  deletedRows: unknown;
  certificate: unknown;
}

/**
 * Deleted tenants' tombstones: the only record that outlives a tenant, kept outside tenant data (no tenant context
 * can reach it), so it is read over the platform connection.
 */
@Injectable()
export class DeletionCertificatesService {
  constructor(private readonly db: TenantScopedDatabase) {}

  async certificate(tenantId: string): Promise<DeletionCertificateView> {
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
