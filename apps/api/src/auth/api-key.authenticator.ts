import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { TenantScopedDatabase } from '../../../../libs/db';
import { parseApiKey } from './api-key-format';
import type { Principal, TenantRole } from './principal';

@Injectable()
export class ApiKeyAuthenticator {
  constructor(private readonly db: TenantScopedDatabase) {}

  /** The caller behind a key, or undefined for a malformed, unknown or revoked key. */
  async authenticate(key: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(key);
    if (!parsed) return undefined;
    if (parsed.kind === 'operator') {
      const row = await this.db.prisma.operatorKey.findUnique({ where: { keyHash: parsed.hash } });
      if (!row || row.revokedAt || !timingSafeEqual(row.keyHash, parsed.hash)) return undefined;
      return { kind: 'operator', keyId: row.id, keyName: row.name };
    }
    // Under the key's own tenant context: a key naming another tenant finds nothing.
    const row = await this.db.withTenant(parsed.tenantId, (tx) =>
      tx.apiKey.findUnique({ where: { keyHash: parsed.hash }, include: { tenant: { select: { deletionScheduledAt: true } } } }),
    );
    if (!row || row.revokedAt || !timingSafeEqual(row.keyHash, parsed.hash)) return undefined;
    return {
      kind: 'tenant',
      tenantId: row.tenantId,
      role: row.role as TenantRole,
      keyId: row.id,
      keyName: row.name,
      deletionScheduledAt: row.tenant.deletionScheduledAt?.toISOString() ?? null,
    };
  }
}
