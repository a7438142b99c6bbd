import { appendAuditEvent } from '../../audit';
import type { TenantScopedDatabase } from '../../db';
import { TenantSsoOrgUnits } from './tenant-sso-org-units';

/** A tenant's declared SSO org units, as stored and shown. */
export interface DeclaredSsoOrgUnits {
  withSso: string[];
  withoutSso: string[];
  updatedBy: string;
  updatedAt: string;
}

interface Row {
  with_sso: string[];
  without_sso: string[];
  updated_by: string;
  updated_at: Date;
}

/**
 * google_sso_org_units: which org units of the tenant's Workspace sign in through its identity provider, as
 * its admin declared them (in the tenant's own context, audited). Read by the password reset, which must not
 * promise change-at-next-login to a user Google will never ask for a Google password.
 */
export class GoogleSsoOrgUnitsStore {
  constructor(private readonly db: TenantScopedDatabase) {}

  async read(tenantId: string): Promise<DeclaredSsoOrgUnits | undefined> {
    const [row] = await this.db.withTenant(tenantId, (tx) => tx.$queryRaw<Row[]>`SELECT with_sso, without_sso, updated_by, updated_at FROM google_sso_org_units`);
    return row && declaredOf(row);
  }

  /** The rule the declaration makes, or undefined when the tenant has declared nothing (not known, never "no SSO"). */
  async layoutOf(tenantId: string): Promise<TenantSsoOrgUnits | undefined> {
    const declared = await this.read(tenantId);
    return declared && new TenantSsoOrgUnits(declared);
  }

  /** Replaces the declaration (the caller has checked it with ssoLayoutProblems); audited with before and after. */
  async declare(tenantId: string, layout: { withSso: string[]; withoutSso: string[] }, actor: string): Promise<DeclaredSsoOrgUnits> {
    return this.db.withTenant(tenantId, async (tx) => {
      const [before] = await tx.$queryRaw<Row[]>`SELECT with_sso, without_sso, updated_by, updated_at FROM google_sso_org_units`;
      const [row] = await tx.$queryRaw<Row[]>`
        INSERT INTO google_sso_org_units (tenant_id, with_sso, without_sso, updated_by)
        VALUES (${tenantId}::uuid, ${layout.withSso}::text[], ${layout.withoutSso}::text[], ${actor})
        ON CONFLICT (tenant_id) DO UPDATE SET with_sso = EXCLUDED.with_sso, without_sso = EXCLUDED.without_sso, updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING with_sso, without_sso, updated_by, updated_at`;
      await appendAuditEvent(tx, tenantId, {
        actor,
        action: 'integration.google.sso_org_units_declared',
        target: tenantId,
        outcome: 'success',
        details: {
          withSso: layout.withSso,
          withoutSso: layout.withoutSso,
          previous: before ? { withSso: before.with_sso, withoutSso: before.without_sso } : null,
        },
      });
      return declaredOf(row);
    });
  }
}

function declaredOf(row: Row): DeclaredSsoOrgUnits {
  return { withSso: row.with_sso, withoutSso: row.without_sso, updatedBy: row.updated_by, updatedAt: row.updated_at.toISOString() };
}
