export interface TenantExportView {
  id: string;
  /** building, ready (downloadable once), downloaded, or expired (ready but the link time is over). */
  status: 'building' | 'ready' | 'downloaded' | 'expired';
  workflowId: string;
  requestedBy: string;
  createdAt: string;
  readyAt: string | null;
  downloadedAt: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  /** A signed link, good for one download until expiresAt; only while status is ready. */
  downloadUrl: string | null;
  expiresAt: string | null;
}
