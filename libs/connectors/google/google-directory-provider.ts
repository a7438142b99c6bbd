import type { GoogleDirectoryConnector } from './google-directory.connector';

/** Where activities get a tenant's Google Workspace, without knowing how its tokens are kept or refreshed. */
export interface GoogleDirectoryProvider {
  /**
   * The tenant's connected Workspace: a connector with a refreshing token and the tenant's primary domain.
   * Throws GoogleConnectorError('GoogleReconsentRequired', not retryable) when the tenant has not connected
   * Google or its grant was refused (the integration is then marked needs_reconsent, audited).
   */
  directoryFor(tenantId: string): Promise<{ directory: GoogleDirectoryConnector; domain: string }>;
}
