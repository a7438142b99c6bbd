import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '../../../../libs/audit';
import { TenantScopedDatabase } from '../../../../libs/db';
import { SECURITY_TENANT_SLUG } from '../../../../libs/security/security-tenant';
import { ApiKeysService, type IssuedApiKeyView } from '../auth/api-keys.service';
import type { TenantPrincipal } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { isUniqueViolation } from '../../../../libs/db/database-error';

export interface TenantView {
  id: string;
  slug: string;
  name: string;
  status: string;
  createdAt: string;
}

/** The caller's own tenant, with the calling key's name and role. */
export interface CurrentTenantView extends TenantView {
  deletionScheduledAt: string | null;
  caller: { keyName: string; role: string };
}

@Injectable()
export class TenantsService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** The caller's tenant, as its key sees it. */
  async current(caller: TenantPrincipal): Promise<CurrentTenantView> {
    const tenant = await this.db.withTenant(caller.tenantId, (tx) => tx.tenant.findUniqueOrThrow({ where: { id: caller.tenantId } }));
    return {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      status: tenant.status,
      createdAt: tenant.createdAt.toISOString(),
      deletionScheduledAt: tenant.deletionScheduledAt?.toISOString() ?? null,
      caller: { keyName: caller.keyName, role: caller.role },
    };
  }

  /** The tenant, its first admin key (shown once) and the audit events of both, in one transaction. */
  async create(
    request: { slug: string; name: string; adminKeyName?: string },
    createdBy: string,
  ): Promise<{ tenant: TenantView; adminApiKey: IssuedApiKeyView }> {
    if (request.slug === SECURITY_TENANT_SLUG) throw new ApiError(409, 'conflict', `the slug "${request.slug}" is reserved for the platform's security desk`);
    const tenantId = randomUUID();
    try {
      return await this.db.withTenant(tenantId, async (tx) => {
        const tenant = await tx.tenant.create({ data: { id: tenantId, slug: request.slug, name: request.name } });
        await appendAuditEvent(tx, tenantId, {
          actor: createdBy,
          action: 'tenant.created',
          target: tenantId,
          outcome: 'success',
          details: { slug: tenant.slug },
        });
        const adminApiKey = await this.apiKeys.issue(tx, tenantId, {
          name: request.adminKeyName ?? 'first-admin',
          role: 'admin',
          createdBy,
        });
        return {
          tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status, createdAt: tenant.createdAt.toISOString() },
          adminApiKey,
        };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError(409, 'conflict', `a tenant with slug "${request.slug}" already exists`);
      throw error;
    }
  }
}
