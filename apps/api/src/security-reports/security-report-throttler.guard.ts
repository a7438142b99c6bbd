import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerStorageService } from '@nestjs/throttler';
import type { SecurityDeskConfig } from '../../../../libs/security/security-desk-config';
import { SECURITY_DESK_CONFIG } from './security-desk-config.provider';

/**
 * Rate limit of the public report endpoint, per client address: request.ip, the connecting peer's address
 * unless TRUST_PROXY names that peer as a proxy, then the client the proxies name. Its own options and storage instead of
 * ThrottlerModule's global ones, so no other route is limited by it (and it by no other). Named "default"
 * so a refusal carries the standard Retry-After header.
 */
@Injectable()
export class SecurityReportThrottlerGuard extends ThrottlerGuard {
  // Every parameter names its token: the parent's constructor decorators would otherwise be inherited.
  constructor(
    @Inject(SECURITY_DESK_CONFIG) config: SecurityDeskConfig,
    @Inject(ThrottlerStorageService) storage: ThrottlerStorageService,
    @Inject(Reflector) reflector: Reflector,
  ) {
    super(
      {
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.reportsPerMinute }],
        errorMessage: `too many security reports from this address; at most ${config.reportsPerMinute} a minute`,
      },
      storage,
      reflector,
    );
  }
}
