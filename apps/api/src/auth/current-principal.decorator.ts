import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal, TenantPrincipal } from './principal';

export type AuthenticatedRequest = { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

/** For routes guarded by TenantRoles: the guard has already refused every other kind of caller. */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): TenantPrincipal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal?.kind !== 'tenant') throw new Error('CurrentTenant used on a route open to non-tenant callers');
  return principal;
});
