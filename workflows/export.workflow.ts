import { proxyActivities } from '@temporalio/workflow';
import type { TenantExportActivities, TenantExportInput, TenantExportResult } from '../libs/contracts';

// Reads the whole tenant and writes one bundle: minutes for a large tenant, retried through outages.
const { buildTenantExport } = proxyActivities<TenantExportActivities>({
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
});

/** Builds a tenant's data export; the API hands it out once through a signed, expiring link. */
export async function exportWorkflow(input: TenantExportInput): Promise<TenantExportResult> {
  return buildTenantExport(input);
}
