import { Injectable } from '@nestjs/common';
import { appendAuditEvent } from '../../../../libs/audit';
import { TenantScopedDatabase, type TenantTransaction } from '../../../../libs/db';
import { ApiError, notFound } from '../errors/api-error';
import { issueTenantKey } from './api-key-format';
import type { TenantRole } from './principal';

export interface ApiKeyView {
  id: string;
  name: string;
  role: TenantRole;
  prefix: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

export type IssuedApiKeyView = ApiKeyView & { key: string };

@Injectable()
export class ApiKeysService {
  constructor(private readonly db: TenantScopedDatabase) {}

  /** Inside the caller's tenant transaction (tenant creation issues its first admin key this way). */
  async issue(
    tx: TenantTransaction,
    tenantId: string,
    request: { name: string; role: TenantRole; createdBy: string },
  ): Promise<IssuedApiKeyView> {
    const issued = issueTenantKey(tenantId);
    const row = await tx.apiKey.create({
      data: { tenantId, name: request.name, role: request.role, keyHash: issued.hash, keyPrefix: issued.prefix, createdBy: request.createdBy },
    });
    await appendAuditEvent(tx, tenantId, {
      actor: request.createdBy,
      action: 'api_key.created',
      target: row.id,
      outcome: 'success',
      details: { name: row.name, role: row.role, prefix: row.keyPrefix },
    });
    return { ...toView(row), key: issued.key };
  }

  create(tenantId: string, request: { name: string; role: TenantRole; createdBy: string }): Promise<IssuedApiKeyView> {
    return this.db.withTenant(tenantId, (tx) => this.issue(tx, tenantId, request));
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    const rows = await this.db.withTenant(tenantId, (tx) => tx.apiKey.findMany({ orderBy: { createdAt: 'asc' } }));
    return rows.map(toView);
  }

  async revoke(tenantId: string, keyId: string, revokedBy: string, callerKeyId: string): Promise<ApiKeyView> {
    if (keyId === callerKeyId) throw new ApiError(409, 'conflict', 'a key cannot revoke itself; use another admin key');
    return this.db.withTenant(tenantId, async (tx) => {
      const row = await tx.apiKey.findUnique({ where: { id: keyId } });
      if (!row) throw notFound('API key');
      if (row.revokedAt) return toView(row);
      const revoked = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
      await appendAuditEvent(tx, tenantId, {
        actor: revokedBy,
        action: 'api_key.revoked',
        target: keyId,
        outcome: 'success',
        details: { name: row.name, role: row.role },
      });
      return toView(revoked);
    });
  }
}

function toView(row: {
  id: string;
  name: string;
  role: string;
  keyPrefix: string;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as TenantRole,
    prefix: row.keyPrefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
