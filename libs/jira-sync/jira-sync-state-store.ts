import { randomUUID } from 'node:crypto';
import { dataKeyRowOf } from '../crypto/data-key-row';
import type { EnvelopeEncryption } from '../crypto/envelope-encryption';
import type { TenantScopedDatabase } from '../db';

export interface JiraSyncState {
  id: string;
  webhookSecretHash: Uint8Array | null;
  webhookIds: number[];
  webhookExpiresAt: Date | null;
  watermark: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

interface StateRow {
  id: string;
  webhook_secret_hash: Uint8Array | null;
  webhook_ids: bigint[];
  webhook_expires_at: Date | null;
  watermark: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
}

/**
 * jira_sync_states: per tenant, the webhook registration (secret hash, ids, expiry), the reconciliation
 * watermark and the last outcome. Created on the sync's first run with the data key its raw Jira responses are
 * encrypted under.
 */
export class JiraSyncStateStore {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly encryption: EnvelopeEncryption,
  ) {}

  async get(tenantId: string): Promise<JiraSyncState | undefined> {
    const rows = await this.db.withTenant(tenantId, (tx) => tx.$queryRaw<StateRow[]>`SELECT id::text AS id, webhook_secret_hash, webhook_ids, webhook_expires_at, watermark, last_success_at, last_error, last_error_at FROM jira_sync_states`);
    return rows[0] ? stateOf(rows[0]) : undefined;
  }

  /** The tenant's state, created (with its data key) when missing; safe to call concurrently. */
  async ensure(tenantId: string): Promise<JiraSyncState> {
    const existing = await this.get(tenantId);
    if (existing) return existing;
    const id = randomUUID();
    const dataKey = await this.encryption.createDataKey({ tenantId, integrationId: id });
    await this.db.withTenant(tenantId, async (tx) => {
      const inserted = await tx.$executeRaw`INSERT INTO jira_sync_states (id, tenant_id) VALUES (${id}::uuid, ${tenantId}::uuid) ON CONFLICT (tenant_id) DO NOTHING`;
      if (inserted === 1) await tx.dataKey.create({ data: dataKeyRowOf(dataKey, tenantId, id) });
    });
    return (await this.get(tenantId))!;
  }

  async recordWebhooks(tenantId: string, update: { secretHash?: Buffer; ids: number[]; expiresAt: Date }): Promise<void> {
    await this.db.withTenant(tenantId, (tx) =>
      update.secretHash
        ? tx.$executeRaw`UPDATE jira_sync_states SET webhook_secret_hash = ${update.secretHash}, webhook_ids = ${update.ids.map(BigInt)}::bigint[], webhook_expires_at = ${update.expiresAt}, updated_at = now()`
        : tx.$executeRaw`UPDATE jira_sync_states SET webhook_ids = ${update.ids.map(BigInt)}::bigint[], webhook_expires_at = ${update.expiresAt}, updated_at = now()`,
    );
  }

  /** Only forward: a slow reconciliation finishing after a newer one never moves the watermark back. */
  async advanceWatermark(tenantId: string, to: Date): Promise<void> {
    await this.db.withTenant(tenantId, (tx) => tx.$executeRaw`UPDATE jira_sync_states SET watermark = GREATEST(COALESCE(watermark, ${to}), ${to}), updated_at = now()`);
  }

  async recordOutcome(tenantId: string, outcome: { success: true } | { success: false; error: string }): Promise<void> {
    await this.db.withTenant(tenantId, (tx) =>
      outcome.success
        ? tx.$executeRaw`UPDATE jira_sync_states SET last_success_at = now(), updated_at = now()`
        : tx.$executeRaw`UPDATE jira_sync_states SET last_error = ${outcome.error.slice(0, 2000)}, last_error_at = now(), updated_at = now()`,
    );
  }
}

function stateOf(row: StateRow): JiraSyncState {
  return {
    id: row.id,
    webhookSecretHash: row.webhook_secret_hash,
    webhookIds: row.webhook_ids.map(Number),
    webhookExpiresAt: row.webhook_expires_at,
    watermark: row.watermark,
    lastSuccessAt: row.last_success_at,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
  };
}
