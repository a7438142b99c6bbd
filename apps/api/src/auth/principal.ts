export const TENANT_ROLES = ['admin', 'manager', 'agent', 'auditor'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/**
 * Who is calling, as established by the auth guard: an API key, a person's session (via 'session': keyId is
 * the session's id, keyName the person's email) or an operator under a support access grant (via 'support':
 * keyId is the grant's id, keyName the operator key's name). Every tenant route takes all three under the same
 * role rules.
 */
export type Principal =
  | {
      kind: 'tenant';
      tenantId: string;
      role: TenantRole;
      keyId: string;
      keyName: string;
      /** When the tenant is pending deletion: the end of its grace period (ISO), else null. */
      deletionScheduledAt: string | null;
      /** Absent for an API key. */
      via?: 'session' | 'support';
      /** The signed-in person (via 'session'). */
      userId?: string;
    }
  | { kind: 'operator'; keyId: string; keyName: string };

export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

/** How the principal appears in the audit trail. */
export function auditActor(principal: Principal): string {
  if (principal.kind === 'operator') return `operator:${principal.keyName}`;
  if (principal.via === 'session') return `user:${principal.keyName}`;
  if (principal.via === 'support') return `support:${principal.keyName}`;
  return `api-key:${principal.keyName}`;
}

/** Who the principal is, which its name does not say (key names are not unique): its key's id. */
export function principalId(principal: Principal): string {
  if (principal.kind === 'operator') return `operator:${principal.keyId}`;
  if (principal.via === 'session') return `user:${principal.userId}`;
  if (principal.via === 'support') return `support:${principal.keyId}`;
  return `api-key:${principal.keyId}`;
}

/** Role sets for the routes; auditors read, agents act, managers approve, admins administer. */
export const ANY_TENANT_ROLE: readonly TenantRole[] = TENANT_ROLES;
export const AGENT_OR_HIGHER: readonly TenantRole[] = ['admin', 'manager', 'agent'];
export const MANAGER_OR_HIGHER: readonly TenantRole[] = ['admin', 'manager'];
export const ADMIN_ONLY: readonly TenantRole[] = ['admin'];
