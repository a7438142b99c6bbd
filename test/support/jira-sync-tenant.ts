import request from 'supertest';
import { CredentialStore } from '../../libs/connectors/credential-store';
import { JiraSiteStore } from '../../libs/connectors/jira/jira-site-store';
import { EnvelopeEncryption } from '../../libs/crypto/envelope-encryption';
import { keyProviderFromEnv } from '../../libs/crypto/key-provider-from-env';
import { TenantScopedDatabase } from '../../libs/db';
import type { JiraCloudSimulator } from '../fakes/jira/jira-cloud-simulator';
import { storeJiraGrant } from './jira-cloud';
import type { TestApi } from './test-api';

/**
 * A new tenant (through the API) whose admin connected the simulator's site and configured its sync: what the
 * connect flow and POST /v1/jira/sync-configs leave behind.
 */
export async function tenantSyncingWithJira(api: TestApi, jira: JiraCloudSimulator, settings: Record<string, unknown>, slug: string): Promise<{ tenantId: string; adminKey: string }> {
  const auth = { Authorization: `Bearer ${api.operatorKey}` };
  const created = await request(api.http).post('/v1/tenants').set(auth).send({ slug: `${slug}-${Date.now()}`, name: `${slug} LLP` }).expect(201);
  const tenantId: string = created.body.tenant.id;
  const adminKey: string = created.body.adminApiKey.key;
  const db = new TenantScopedDatabase(api.prisma);
  await storeJiraGrant(new CredentialStore(db, new EnvelopeEncryption(keyProviderFromEnv())), jira, tenantId);
  const site = { cloudId: jira.site.cloudId, url: jira.site.url, name: jira.site.name };
  const sites = new JiraSiteStore(db);
  await db.withTenant(tenantId, (tx) => sites.record(tx, tenantId, [site], { site, accountId: jira.appAccount.accountId }, 'test'));
  await request(api.http).post('/v1/jira/sync-configs').set({ Authorization: `Bearer ${adminKey}` }).send(settings).expect(201);
  return { tenantId, adminKey };
}
