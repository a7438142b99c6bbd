export const EXPORT_WORKFLOW = 'exportWorkflow';

export function exportWorkflowId(tenantId: string, exportId: string): string {
  return `tenant-export/${tenantId}/${exportId}`;
}

export interface TenantExportInput {
  tenantId: string;
  exportId: string;
  requestedBy: string;
}

export interface TenantExportResult {
  exportId: string;
  sizeBytes: number;
  sha256: string;
}

/** The bundle's format name, first field of every bundle. */
export const TENANT_EXPORT_FORMAT = 'custodian.tenant-export.v1';

export interface TenantExportActivities {
  /** Writes the JSON bundle of all the tenant's data into its export record; idempotent. */
  buildTenantExport(input: TenantExportInput): Promise<TenantExportResult>;
}
