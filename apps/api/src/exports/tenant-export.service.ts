import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '../../../../libs/audit';
import type { AppConfig } from '../../../../libs/config/app-config';
import { EXPORT_WORKFLOW, exportWorkflowId, TENANT_ID_SEARCH_ATTRIBUTE, type TenantExportInput } from '../../../../libs/contracts';
import { TenantScopedDatabase } from '../../../../libs/db';
import { ApiError, notFound } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { ExportLinkSigner } from './export-link';
import type { TenantExportView } from './tenant-export.view';

type ExportRow = {
  id: string;
  tenantId: string;
  requestedBy: string;
  status: string;
  sizeBytes: bigint | null;
  sha256: string | null;
  createdAt: Date;
  readyAt: Date | null;
  downloadedAt: Date | null;
};

const EXPORT_COLUMNS = {
  id: true, tenantId: true, requestedBy: true, status: true, sizeBytes: true, sha256: true, createdAt: true, readyAt: true, downloadedAt: true,
} as const;

@Injectable()
export class TenantExportService {
  private readonly logger = new Logger(TenantExportService.name);
  private readonly links: ExportLinkSigner;

  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.links = new ExportLinkSigner(config.tenantLifecycle.exportLinkSecret);
  }

  /** Records the export (audited) and starts the workflow that builds it. */
  async request(tenantId: string, requestedBy: string): Promise<TenantExportView> {
    const exportId = randomUUID();
    const row = await this.db.withTenant(tenantId, async (tx) => {
      const created = await tx.tenantExport.create({ data: { id: exportId, tenantId, requestedBy }, select: EXPORT_COLUMNS });
      await appendAuditEvent(tx, tenantId, { actor: requestedBy, action: 'tenant.export_requested', target: exportId, outcome: 'pending' });
      return created;
    });
    const input: TenantExportInput = { tenantId, exportId, requestedBy };
    try {
      await this.temporal.workflow.start(EXPORT_WORKFLOW, {
        workflowId: exportWorkflowId(tenantId, exportId),
        taskQueue: this.config.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId }],
      });
    } catch (error) {
      this.logger.error(`could not start the export ${exportId}: ${(error as Error).message}`);
      throw new ApiError(503, 'service_unavailable', 'the export could not be started; try again');
    }
    return this.toView(row);
  }

  async get(tenantId: string, exportId: string): Promise<TenantExportView> {
    const row = await this.db.withTenant(tenantId, (tx) => tx.tenantExport.findUnique({ where: { id: exportId }, select: EXPORT_COLUMNS }));
    if (!row) throw notFound('export');
    return this.toView(row);
  }

  /**
   * Hands the bundle out once: the same transaction that reads it drops it and marks the export downloaded,
   * so a second use of the link (or a race of two) gets 410.
   */
  async download(exportId: string, token: string): Promise<{ bundle: Buffer; tenantId: string }> {
    const check = this.links.verify(token);
    if (check.ok && check.claims.exportId !== exportId) throw new ApiError(403, 'forbidden', 'this download link is not valid');
    if (!check.ok) {
      throw check.reason === 'expired'
        ? new ApiError(410, 'export_link_expired', 'this download link has expired; open the export again for a new link')
        : new ApiError(403, 'forbidden', 'this download link is not valid');
    }
    const { tenantId } = check.claims;
    return this.db.withTenant(tenantId, async (tx) => {
      const [taken] = await tx.$queryRaw<{ bundle: Uint8Array }[]>`
        WITH taken AS (SELECT id, bundle FROM tenant_exports WHERE id = ${exportId}::uuid AND status = 'ready' FOR UPDATE)
        UPDATE tenant_exports e SET status = 'downloaded', bundle = NULL, downloaded_at = now()
        FROM taken WHERE e.id = taken.id
        RETURNING taken.bundle`;
      if (!taken) {
        const row = await tx.tenantExport.findUnique({ where: { id: exportId }, select: { status: true } });
        if (row?.status === 'downloaded') throw new ApiError(410, 'export_already_downloaded', 'this export was already downloaded; request a new export');
        throw notFound('export');
      }
      await appendAuditEvent(tx, tenantId, { actor: 'export-link', action: 'tenant.export_downloaded', target: exportId, outcome: 'success' });
      return { bundle: Buffer.from(taken.bundle), tenantId };
    });
  }

  private toView(row: ExportRow): TenantExportView {
    const expiresAt = row.readyAt ? Math.floor(row.readyAt.getTime() / 1000) + this.config.tenantLifecycle.exportLinkTtlSeconds : null;
    const expired = row.status === 'ready' && expiresAt !== null && Date.now() / 1000 >= expiresAt;
    const downloadable = row.status === 'ready' && !expired && expiresAt !== null;
    return {
      id: row.id,
      status: expired ? 'expired' : (row.status as TenantExportView['status']),
      workflowId: exportWorkflowId(row.tenantId, row.id),
      requestedBy: row.requestedBy,
      createdAt: row.createdAt.toISOString(),
      readyAt: row.readyAt?.toISOString() ?? null,
      downloadedAt: row.downloadedAt?.toISOString() ?? null,
      sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
      sha256: row.sha256,
      downloadUrl: downloadable
        ? `/v1/tenant/export/${row.id}/download?token=${this.links.sign({ tenantId: row.tenantId, exportId: row.id, expiresAt: expiresAt! })}`
        : null,
      expiresAt: expiresAt === null ? null : new Date(expiresAt * 1000).toISOString(),
    };
  }
}
