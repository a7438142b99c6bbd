import { Injectable } from '@nestjs/common';
import { appendAuditEvent } from '../../../../libs/audit';
import { TenantScopedDatabase } from '../../../../libs/db';
import { Prisma } from '../../../../libs/db/generated/client';
import { ApiError, notFound } from '../errors/api-error';
import type { Principal, TenantPrincipal } from './principal';

/** The header an operator names the tenant with when using a support access grant. */
export const SUPPORT_TENANT_HEADER = 'x-support-tenant';
/** The longest grant: a working day; a longer need is a new, separately recorded grant. */
export const SUPPORT_ACCESS_MAX_MINUTES = 480;
/** What an operator may do under a grant: read, like an auditor; never change the tenant's data. */
const SUPPORT_ROLE = 'auditor';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type OperatorPrincipal = Extract<Principal, { kind: 'operator' }>;

export interface SupportAccessGrantView {
  id: string;
  operator: string;
  reason: string;
  startsAt: string;
  expiresAt: string;
  endedAt: string | null;
  endedBy: string | null;
  active: boolean;
}

interface GrantRow {
  id: string;
  operatorName: string;
  reason: string;
  startsAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endedBy: string | null;
}

/**
 * Platform staff reach a tenant's data only through a grant: who (the operator key), why, from when and until
 * when, written to the tenant's own audit trail and listed to its admins. Without an active grant an operator
 * key opens no tenant route at all.
 */
@Injectable()
export class SupportAccess {
  constructor(private readonly db: TenantScopedDatabase) {}

  async open(operator: OperatorPrincipal, request: { tenantId: string; reason: string; minutes: number }): Promise<SupportAccessGrantView> {
    return this.db.withTenant(request.tenantId, async (tx) => {
      const [tenant] = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM tenants WHERE id = ${request.tenantId}::uuid`;
      if (!tenant) throw notFound('tenant');
      const [row] = await tx.$queryRaw<GrantRow[]>`
        INSERT INTO support_access_grants (tenant_id, operator_key_id, operator_name, reason, starts_at, expires_at)
        VALUES (${request.tenantId}::uuid, ${operator.keyId}::uuid, ${operator.keyName}, ${request.reason}, now(), now() + make_interval(mins => ${request.minutes}))
        RETURNING ${GRANT_COLUMNS}`;
      const grant = toView(row!);
      await appendAuditEvent(tx, request.tenantId, {
        actor: `operator:${operator.keyName}`,
        action: 'support_access.granted',
        target: grant.id,
        outcome: 'success',
        details: { operator: operator.keyName, operatorKeyId: operator.keyId, reason: grant.reason, startsAt: grant.startsAt, expiresAt: grant.expiresAt },
      });
      return grant;
    });
  }

  async list(tenantId: string): Promise<SupportAccessGrantView[]> {
    const rows = await this.db.withTenant(tenantId, (tx) => tx.$queryRaw<GrantRow[]>`SELECT ${GRANT_COLUMNS} FROM support_access_grants ORDER BY starts_at DESC`);
    return rows.map(toView);
  }

  /** Ends a grant before its time (a tenant admin, or the operator when done). */
  async end(tenantId: string, grantId: string, endedBy: string): Promise<SupportAccessGrantView> {
    return this.db.withTenant(tenantId, async (tx) => {
      const [row] = await tx.$queryRaw<GrantRow[]>`
        UPDATE support_access_grants SET ended_at = now(), ended_by = ${endedBy}
        WHERE id = ${grantId}::uuid AND ended_at IS NULL RETURNING ${GRANT_COLUMNS}`;
      if (!row) {
        const [existing] = await tx.$queryRaw<GrantRow[]>`SELECT ${GRANT_COLUMNS} FROM support_access_grants WHERE id = ${grantId}::uuid`;
        if (!existing) throw notFound('support access grant');
        return toView(existing);
      }
      await appendAuditEvent(tx, tenantId, { actor: endedBy, action: 'support_access.ended', target: grantId, outcome: 'success', details: { operator: row.operatorName } });
      return toView(row);
    });
  }

  /** The tenant principal an operator key acts as under its active grant for the tenant, or undefined. */
  async principalFor(operator: OperatorPrincipal, tenantId: string): Promise<TenantPrincipal | undefined> {
    if (!UUID.test(tenantId)) throw new ApiError(400, 'bad_request', 'X-Support-Tenant must be a tenant id (UUID)');
    const [grant] = await this.db.withTenant(tenantId, (tx) => tx.$queryRaw<{ id: string; deletionScheduledAt: Date | null }[]>`
      SELECT g.id::text AS id, t.deletion_scheduled_at AS "deletionScheduledAt"
      FROM support_access_grants g JOIN tenants t ON t.id = g.tenant_id
      WHERE g.operator_key_id = ${operator.keyId}::uuid AND g.ended_at IS NULL AND g.starts_at <= now() AND g.expires_at > now()
      ORDER BY g.expires_at DESC LIMIT 1`);
    if (!grant) return undefined;
    return {
      kind: 'tenant',
      tenantId,
      role: SUPPORT_ROLE,
      keyId: grant.id,
      keyName: operator.keyName,
      deletionScheduledAt: grant.deletionScheduledAt?.toISOString() ?? null,
      via: 'support',
    };
  }
}

/** Columns as the views read them. */
const GRANT_COLUMNS = Prisma.sql`id::text AS id, operator_name AS "operatorName", reason, starts_at AS "startsAt", expires_at AS "expiresAt", ended_at AS "endedAt", ended_by AS "endedBy"`;

function toView(row: GrantRow): SupportAccessGrantView {
  return {
    id: row.id,
    operator: row.operatorName,
    reason: row.reason,
    startsAt: row.startsAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    endedBy: row.endedBy,
    active: row.endedAt === null && row.expiresAt > new Date(),
  };
}
