export const TENANT_ROLES = ['admin', 'manager', 'agent', 'auditor'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Who is calling, as established by the auth guard from the API key. */
export type Principal =
  | {
      kind: 'tenant';
      tenantId: string;
      role: TenantRole;
      keyId: string;
      keyName: string;
      /** When the tenant is pending deletion: the end of its grace period (ISO), else null. */
      deletionScheduledAt: string | null;
    }
  | { kind: 'operator'; keyId: string; keyName: string };

export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

/** How the principal appears in the audit trail. */
export function auditActor(principal: Principal): string {
  return principal.kind === 'tenant' ? `api-key:${principal.keyName}` : `operator:${principal.keyName}`;
}

/** Who the principal is, which its name does not say (key names are not unique): its key's id. */
export function principalId(principal: Principal): string {
  return principal.kind === 'tenant' ? `api-key:${principal.keyId}` : `operator:${principal.keyId}`;
}

/** Role sets for the routes; auditors read, agents act, managers approve, admins administer. */
export const ANY_TENANT_ROLE: readonly TenantRole[] = TENANT_ROLES;
export const AGENT_OR_HIGHER: readonly TenantRole[] = ['admin', 'manager', 'agent'];
export const MANAGER_OR_HIGHER: readonly TenantRole[] = ['admin', 'manager'];
export const ADMIN_ONLY: readonly TenantRole[] = ['admin'];
