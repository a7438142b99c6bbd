import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerStorageService } from '@nestjs/throttler';
import type { Request } from 'express';

/** Attempts a minute from one client address, whatever the account... */
export const AUTH_ATTEMPTS_PER_ADDRESS_PER_MINUTE = 30;
/** ...and for one account (tenant and email), from whatever addresses: above the lockout threshold, so the lockout comes first. */
export const AUTH_ATTEMPTS_PER_ACCOUNT_PER_MINUTE = 20;

/** The account an attempt names, as the attacker wrote it (an unknown email is limited like a real one). */
function accountOf(request: Request): string | undefined {
  const body = request.body as { tenant?: unknown; email?: unknown } | undefined;
  if (typeof body?.tenant !== 'string' || typeof body.email !== 'string') return undefined;
  return `${body.tenant}\n${body.email.toLowerCase()}`;
}

/**
 * Rate limit of the auth endpoints, per client address (request.ip: the connecting peer unless TRUST_PROXY names
 * it as a proxy, then the client the trusted proxies name) and per account. Its own options and storage, so no
 * other route is limited by it. "default" is the address limit, so its refusal carries the standard Retry-After.
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  // Every parameter names its token: the parent's constructor decorators would otherwise be inherited.
  constructor(@Inject(ThrottlerStorageService) storage: ThrottlerStorageService, @Inject(Reflector) reflector: Reflector) {
    super(
      {
        throttlers: [
          { name: 'default', ttl: 60_000, limit: AUTH_ATTEMPTS_PER_ADDRESS_PER_MINUTE, getTracker: (request) => (request as Request).ip ?? 'unknown' },
          {
            name: 'account',
            ttl: 60_000,
            limit: AUTH_ATTEMPTS_PER_ACCOUNT_PER_MINUTE,
            getTracker: (request) => accountOf(request as Request) ?? '',
            skipIf: (context: ExecutionContext) => accountOf(context.switchToHttp().getRequest<Request>()) === undefined,
          },
        ],
        errorMessage: 'too many sign-in attempts from this address or for this account; wait a minute and try again',
      },
      storage,
      reflector,
    );
  }
}
