import type { CredentialStore } from '../../libs/connectors/credential-store';
import { GoogleOAuth } from '../../libs/connectors/google/google-oauth';
import { Secret } from '../../libs/crypto/secret';
import type { TenantScopedDatabase } from '../../libs/db';
import type { GoogleWorkspaceSimulator } from '../fakes/google/google-workspace-simulator';

/** The product's GOOGLE_* settings for a simulator: Custodian's OAuth client and both of Google's base URLs. */
export function googleSimulatorEnv(google: GoogleWorkspaceSimulator): Record<string, string> {
  return {
    GOOGLE_CLIENT_ID: google.oauthClient.clientId,
    GOOGLE_CLIENT_SECRET: google.oauthClient.clientSecret,
    GOOGLE_API_ROOT_URL: google.rootUrl,
    GOOGLE_OAUTH_BASE_URL: google.rootUrl,
  };
}

/** Custodian's OAuth client against the simulator's consent, token and revoke endpoints. */
export function simulatorOAuth(google: GoogleWorkspaceSimulator): GoogleOAuth {
  return new GoogleOAuth({
    clientId: google.oauthClient.clientId,
    clientSecret: new Secret(google.oauthClient.clientSecret),
    redirectUri: 'http://127.0.0.1:1/v1/integrations/google/callback',
    endpoints: google.oauthEndpoints,
  });
}

/** The tenant's Workspace admin consented (as the connect flow would store it): a grant for `domain`, encrypted. */
export async function connectTenantToGoogle(credentials: CredentialStore, google: GoogleWorkspaceSimulator, tenantId: string, domain: string): Promise<void> {
  const issued = google.issueTokens();
  await credentials.save(
    tenantId,
    'google',
    domain,
    { accessToken: new Secret(issued.accessToken), refreshToken: new Secret(issued.refreshToken), expiresAt: issued.expiresAt, scopes: issued.scopes },
    'test',
  );
}

/** A ticket for a Google operation to act on, as the tickets API would have made it. */
export async function insertTicket(db: TenantScopedDatabase, tenantId: string, ref: string, type: 'password_reset' | 'account_unlock' | 'access_change'): Promise<void> {
  await db.withTenant(tenantId, (tx) =>
    tx.ticket.create({
      data: { tenantId, ref, type, status: 'triaged', summary: `${type} for a test`, priority: 'normal', requester: 'jane@acme.example', workflowId: `ticket/${tenantId}/${ref}` },
    }),
  );
}
