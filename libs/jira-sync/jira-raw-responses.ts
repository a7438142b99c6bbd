import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { storedDataKeyOf } from '../crypto/data-key-row';
import type { EnvelopeEncryption } from '../crypto/envelope-encryption';
import type { JiraResponse, JiraSearchPage } from '../connectors/jira/jira-site.connector';
import type { TenantScopedDatabase } from '../db';

const PURPOSE = 'jira-raw-response';
const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);
/** zlib's fastest level: most of what JSON gives up, for little CPU (and off the event loop, in libuv's pool). */
const DEFLATE_LEVEL = 1;

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
    const { dataKeyId, ciphertext } = await this.seal(tenantId, stateId, JSON.stringify(response.body ?? null));
    await this.db.withTenant(tenantId, (tx) =>
      tx.$executeRaw`INSERT INTO jira_raw_responses (tenant_id, data_key_id, operation, issue_key, jira_request_id, ciphertext)
                     VALUES (${tenantId}::uuid, ${dataKeyId}::uuid, ${response.operation}, ${response.issueKey}, ${response.requestId}, ${ciphertext})`,
    );
  }

  /**
   * A search page as Jira sent it, in one row beside the keys of its issues: one encryption and one insert per
   * page, and still found by each issue's key. Compressed before it is encrypted (body_encoding deflate-json).
   */
  async keepSearchPage(tenantId: string, stateId: string, page: JiraResponse<JiraSearchPage>): Promise<void> {
    const issueKeys = page.data.issues.flatMap((issue) => (issue.key ? [issue.key] : []));
    const { dataKeyId, ciphertext } = await this.seal(tenantId, stateId, await deflate(JSON.stringify(page.data), { level: DEFLATE_LEVEL }));
    await this.db.withTenant(tenantId, (tx) =>
      tx.$executeRaw`INSERT INTO jira_raw_responses (tenant_id, data_key_id, operation, issue_keys, jira_request_id, ciphertext, body_encoding)
                     VALUES (${tenantId}::uuid, ${dataKeyId}::uuid, 'search/jql', ${issueKeys}::text[], ${page.requestId}, ${ciphertext}, 'deflate-json')`,
    );
  }

  /** The newest responses kept for an issue, decrypted (operations and tests); of a page, its entry for the issue. */
  async forIssue(tenantId: string, stateId: string, issueKey: string): Promise<{ operation: string; requestId: string | null; body: unknown }[]> {
    const rows = await this.db.withTenant(tenantId, (tx) =>
      tx.$queryRaw<{ operation: string; jira_request_id: string | null; ciphertext: string; data_key_id: string; page: boolean; body_encoding: 'json' | 'deflate-json' }[]>`
        SELECT operation, jira_request_id, ciphertext, data_key_id::text AS data_key_id, issue_keys IS NOT NULL AS page, body_encoding
        FROM jira_raw_responses WHERE issue_key = ${issueKey} OR issue_keys @> ARRAY[${issueKey}]::text[]
        ORDER BY received_at DESC LIMIT 50`,
    );
    const key = await this.dataKeyOf(tenantId, stateId);
    if (!key) return [];
    return Promise.all(
      rows.map(async (row) => {
        const plaintext = await this.encryption.decrypt(row.ciphertext, { tenantId, integrationId: stateId, purpose: PURPOSE }, storedDataKeyOf(key));
        const body = JSON.parse((row.body_encoding === 'deflate-json' ? await inflate(plaintext) : plaintext).toString('utf8')) as unknown;
        // Of a page, the issue asked about, as it stood on the page.
        const issue = row.page ? (body as { issues?: { key?: string }[] } | null)?.issues?.find((candidate) => candidate.key === issueKey) : body;
        return { operation: row.operation, requestId: row.jira_request_id, body: issue ?? null };
      }),
    );
  }

  /** Encrypted under the sync state's data key, its row read in a transaction of its own (before any insert's). */
  private async seal(tenantId: string, stateId: string, plaintext: Buffer | string): Promise<{ dataKeyId: string; ciphertext: string }> {
    const key = await this.dataKeyOf(tenantId, stateId);
    if (!key) throw new Error('the Jira sync state has no data key');
    return { dataKeyId: key.id, ciphertext: await this.encryption.encrypt(plaintext, { tenantId, integrationId: stateId, purpose: PURPOSE }, storedDataKeyOf(key)) };
  }

  private dataKeyOf(tenantId: string, stateId: string) {
    return this.db.withTenant(tenantId, (tx) => tx.dataKey.findFirst({ where: { integrationId: stateId } }));
  }
}
