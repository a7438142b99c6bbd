import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../errors/api-error';
import { ACCESS_METADATA, type AccessRule } from './access.decorators';
import type { AuthenticatedRequest } from './current-principal.decorator';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { readOperatorSessionCookie } from './operator-session-cookie';
import { OperatorSessions } from './operator-sessions';

/**
 * Every route declares who may call it (Public, OperatorOnly or TenantRoles); a route that declares
 * nothing is refused, so a forgotten decorator fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly sessions: OperatorSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule?.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const key = bearerToken(request);
    const session = key === undefined && rule?.kind === 'operator' && rule.allowCookie ? readOperatorSessionCookie(request) : undefined;
    if (key === undefined && session === undefined) {
      throw new ApiError(401, 'unauthorized', 'missing API key: send "Authorization: Bearer <key>"');
    }
    const principal = key !== undefined ? await this.authenticator.authenticate(key) : await this.sessions.resolve(session!);
    if (!principal) {
      throw new ApiError(401, 'unauthorized', key !== undefined ? 'invalid or revoked API key' : 'codec session expired or signed out: sign in at /codec/session');
    }
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

function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
