import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../errors/api-error';
import { ACCESS_METADATA, OPEN_DURING_OTP_ENROLMENT, type AccessRule } from './access.decorators';
import type { AuthenticatedRequest } from './current-principal.decorator';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { readOperatorSessionCookie } from './operator-session-cookie';
import { OperatorSessions } from './operator-sessions';
import type { Principal } from './principal';
import { SupportAccess, SUPPORT_TENANT_HEADER } from './support-access.service';
import { readCookie, USER_SESSION_COOKIE } from './user-session-cookie';
import { csrfTokenMatches, UserSessions } from './user-sessions';

/** Methods that change nothing; every other method from a cookie session must carry the CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Every route declares who may call it (Public, OperatorOnly or TenantRoles); a route that declares
 * nothing is refused, so a forgotten decorator fails closed. Tenant routes take an API key, a person's session
 * cookie (state-changing requests also need the session's CSRF token) or an operator key with an active support
 * access grant for the tenant named in X-Support-Tenant, all under the same role rules.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly sessions: OperatorSessions,
    private readonly userSessions: UserSessions,
    private readonly supportAccess: SupportAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, targets);
    if (rule?.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const principal = await this.authenticate(request, rule, this.reflector.getAllAndOverride<boolean | undefined>(OPEN_DURING_OTP_ENROLMENT, targets) === true);
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

  private async authenticate(request: Request, rule: AccessRule | undefined, openDuringEnrolment: boolean): Promise<Principal> {
    const key = bearerToken(request);
    if (key !== undefined) {
      const principal = await this.authenticator.authenticate(key);
      if (!principal) throw new ApiError(401, 'unauthorized', 'invalid or revoked API key');
      const supportTenant = request.headers[SUPPORT_TENANT_HEADER];
      if (principal.kind === 'operator' && rule?.kind === 'tenant' && typeof supportTenant === 'string') {
        const support = await this.supportAccess.principalFor(principal, supportTenant);
        if (!support) throw new ApiError(403, 'forbidden', 'no active support access grant of this operator key for that tenant');
        return support;
      }
      return principal;
    }
    if (rule?.kind === 'operator' && rule.allowCookie) {
      const session = readOperatorSessionCookie(request);
      if (session !== undefined) {
        const principal = await this.sessions.resolve(session);
        if (!principal) throw new ApiError(401, 'unauthorized', 'codec session expired or signed out: sign in at /codec/session');
        return principal;
      }
    }
    const userSession = rule?.kind === 'tenant' ? readCookie(request, USER_SESSION_COOKIE) : undefined;
    if (userSession !== undefined) {
      const user = await this.userSessions.resolve(userSession);
      if (!user) throw new ApiError(401, 'unauthorized', 'session expired or signed out: sign in again');
      if (!SAFE_METHODS.has(request.method) && !csrfTokenMatches(userSession, headerValue(request, CSRF_HEADER))) {
        throw new ApiError(403, 'csrf_failed', 'this request needs the X-CSRF-Token header of the session (from sign-in or GET /v1/auth/session)');
      }
      if (user.otpEnrolmentRequired && !openDuringEnrolment) {
        throw new ApiError(403, 'otp_enrolment_required', 'this tenant requires a one-time code at sign-in: enrol an authenticator first (POST /v1/auth/otp/enrolment)');
      }
      return {
        kind: 'tenant',
        tenantId: user.tenantId,
        role: user.role,
        keyId: user.sessionId,
        keyName: user.email,
        deletionScheduledAt: user.deletionScheduledAt,
        via: 'session',
        userId: user.userId,
      };
    }
    throw new ApiError(401, 'unauthorized', 'missing API key: send "Authorization: Bearer <key>"');
  }
}

function headerValue(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
