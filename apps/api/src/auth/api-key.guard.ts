import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../errors/api-error';
import { ACCESS_METADATA, type AccessRule } from './access.decorators';
import type { AuthenticatedRequest } from './current-principal.decorator';
import { ApiKeyAuthenticator } from './api-key.authenticator';

/**
 * Every route declares who may call it (Public, OperatorOnly or TenantRoles); a route that declares
 * nothing is refused, so a forgotten decorator fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule?.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const key = bearerToken(request) ?? (rule?.kind === 'operator' && rule.allowCookie ? operatorCookie(request) : undefined);
    if (!key) throw new ApiError(401, 'unauthorized', 'missing API key: send "Authorization: Bearer <key>"');
    const principal = await this.authenticator.authenticate(key);
    if (!principal) throw new ApiError(401, 'unauthorized', 'invalid or revoked API key');
    request.principal = principal;
    if (!rule) throw new ApiError(403, 'forbidden', 'this route is not open to any caller');
    if (rule.kind === 'operator' && principal.kind !== 'operator') {
      throw new ApiError(403, 'forbidden', 'this route needs an operator key');
    }
    if (rule.kind === 'tenant' && (principal.kind !== 'tenant' || !rule.roles.includes(principal.role))) {
      throw new ApiError(403, 'forbidden', `this route needs one of the roles: ${rule.roles.join(', ')}`);
    }
    return true;
  }
}

export const OPERATOR_SESSION_COOKIE = 'custodian_operator';

function operatorCookie(request: Request): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === OPERATOR_SESSION_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
