import { storedDataKeyOf } from '../crypto/data-key-row';
import type { EnvelopeEncryption } from '../crypto/envelope-encryption';
import type { TenantScopedDatabase } from '../db';

const PURPOSE = 'jira-raw-response';

/**
 * Jira's answers kept as received, for operations (what did Jira say about this issue at 10:02?), encrypted
 * under the tenant's sync data key and bound to tenant, sync state and purpose. Retention is a separate job.
 */
export class JiraRawResponses {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly encryption: EnvelopeEncryption,
  ) {}

  async keep(tenantId: string, stateId: string, response: { operation: string; issueKey: string | null; requestId: string | null; body: unknown }): Promise<void> {
    const row = await this.db.withTenant(tenantId, (tx) => tx.dataKey.findFirst({ where: { integrationId: stateId } }));
    if (!row) throw new Error('the Jira sync state has no data key');
    const ciphertext = await this.encryption.encrypt(JSON.stringify(response.body ?? null), { tenantId, integrationId: stateId, purpose: PURPOSE }, storedDataKeyOf(row));
    await this.db.withTenant(tenantId, (tx) =>
      tx.$executeRaw`INSERT INTO jira_raw_responses (tenant_id, data_key_id, operation, issue_key, jira_request_id, ciphertext)
                     VALUES (${tenantId}::uuid, ${row.id}::uuid, ${response.operation}, ${response.issueKey}, ${response.requestId}, ${ciphertext})`,
    );
  }

  /** Several answers in one transaction (a search page, kept issue by issue so each is found by its key). */
  async keepAll(tenantId: string, stateId: string, responses: { operation: string; issueKey: string | null; requestId: string | null; body: unknown }[]): Promise<void> {
    if (responses.length === 0) return;
    const row = await this.db.withTenant(tenantId, (tx) => tx.dataKey.findFirst({ where: { integrationId: stateId } }));
    if (!row) throw new Error('the Jira sync state has no data key');
    const dataKey = storedDataKeyOf(row);
    const ciphertexts = await Promise.all(responses.map((response) => this.encryption.encrypt(JSON.stringify(response.body ?? null), { tenantId, integrationId: stateId, purpose: PURPOSE }, dataKey)));
    await this.db.withTenant(tenantId, (tx) =>
      tx.$executeRaw`INSERT INTO jira_raw_responses (tenant_id, data_key_id, operation, issue_key, jira_request_id, ciphertext)
                     SELECT ${tenantId}::uuid, ${row.id}::uuid, r.operation, r.issue_key, r.request_id, r.ciphertext
                     FROM unnest(${responses.map((response) => response.operation)}::text[], ${responses.map((response) => response.issueKey)}::text[],
                                 ${responses.map((response) => response.requestId)}::text[], ${ciphertexts}::text[]) AS r (operation, issue_key, request_id, ciphertext)`,
    );
  }

  /** The newest responses kept for an issue, decrypted (operations and tests). */
  async forIssue(tenantId: string, stateId: string, issueKey: string): Promise<{ operation: string; requestId: string | null; body: unknown }[]> {
    const rows = await this.db.withTenant(tenantId, (tx) =>
      tx.$queryRaw<{ operation: string; jira_request_id: string | null; ciphertext: string; data_key_id: string }[]>`
        SELECT operation, jira_request_id, ciphertext, data_key_id::text AS data_key_id FROM jira_raw_responses WHERE issue_key = ${issueKey} ORDER BY received_at DESC LIMIT 50`,
    );
    const key = await this.db.withTenant(tenantId, (tx) => tx.dataKey.findFirst({ where: { integrationId: stateId } }));
    if (!key) return [];
    return Promise.all(
      rows.map(async (row) => ({
        operation: row.operation,
        requestId: row.jira_request_id,
        body: JSON.parse((await this.encryption.decrypt(row.ciphertext, { tenantId, integrationId: stateId, purpose: PURPOSE }, storedDataKeyOf(key))).toString('utf8')) as unknown,
      })),
    );
  }
}
