import type { PrismaClient } from './prisma-client';

export class DatabaseSecurityError extends Error {
  override name = 'DatabaseSecurityError';
}

/**
 * Cheap insurance at start-up: refuse to serve when the connection could see past row-level security
 * (superuser, BYPASSRLS, owner of a tenant table), could act as the audit keeper (the only role that may
 * delete audit events), or when a tenant table lacks ENABLE/FORCE RLS.
 */
export async function assertRowLevelSecurity(prisma: PrismaClient): Promise<void> {
  const [role] = await prisma.$queryRaw<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }[]>`
    SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`;
  if (!role) throw new DatabaseSecurityError('cannot read the current role');
  if (role.rolsuper || role.rolbypassrls) {
    throw new DatabaseSecurityError(
      `database role ${role.rolname} is a superuser or has BYPASSRLS; connect as the application role`,
    );
  }
  const [keeper] = await prisma.$queryRaw<{ member: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'custodian_audit_keeper' AND pg_has_role(current_user, r.oid, 'MEMBER')) AS member`;
  if (keeper?.member) {
    throw new DatabaseSecurityError(`database role ${role.rolname} is a member of custodian_audit_keeper; no role the application uses may be`);
  }
  const tables = await prisma.$queryRaw<
    { relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; owner: string }[]
  >`
    SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) AS owner
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      AND (c.relname = 'tenants' OR EXISTS (
        SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))`;
  if (tables.length === 0) throw new DatabaseSecurityError('no tenant tables found; were the migrations applied?');
  for (const table of tables) {
    if (!table.relrowsecurity || !table.relforcerowsecurity) {
      throw new DatabaseSecurityError(`table ${table.relname} lacks ENABLE and FORCE ROW LEVEL SECURITY`);
    }
    if (table.owner === role.rolname) {
      throw new DatabaseSecurityError(`the application role owns ${table.relname}; it must not own tenant tables`);
    }
  }
}
