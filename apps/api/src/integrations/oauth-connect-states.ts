import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { Provider } from '../../../../libs/connectors/credential-store';
import { TenantScopedDatabase } from '../../../../libs/db';

/** How long an admin has to finish the provider's consent screen. */
const CONNECT_STATE_TTL_MS = 10 * 60 * 1000;
const STATE_PATTERN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export interface ConnectIntent {
  tenantId: string;
  externalAccount: string;
  requestedBy: string;
  /** Started from a person's session: the random value of that browser's binding cookie (oauth-browser-binding.ts). */
  browserBinding?: string;
}

export type ConsumedState = { kind: 'valid'; intent: ConnectIntent } | { kind: 'invalid'; reason: string };

/**
 * The OAuth `state` of a consent in flight: "<tenant id>.<random nonce>", bound to the tenant (the callback
 * reads it under that tenant's row-level security), usable once and for ten minutes. Only the nonce's SHA-256
 * is stored, so a database reader cannot complete someone else's consent.
 */
@Injectable()
export class OAuthConnectStates {
  constructor(private readonly db: TenantScopedDatabase) {}

  async issue(provider: Provider, intent: ConnectIntent): Promise<{ state: string; expiresAt: Date }> {
    const nonce = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + CONNECT_STATE_TTL_MS);
    await this.db.withTenant(intent.tenantId, (tx) =>
      tx.oAuthConnectState.create({
        data: {
          nonceHash: hashOf(nonce),
          tenantId: intent.tenantId,
          provider,
          externalAccount: intent.externalAccount,
          requestedBy: intent.requestedBy,
          browserBindingHash: intent.browserBinding === undefined ? null : hashOf(intent.browserBinding),
          expiresAt,
        },
      }),
    );
    return { state: `${intent.tenantId}.${nonce}`, expiresAt };
  }

  /**
   * Uses the state up: a second callback with it, a late one, or a forged one is refused; so is one bound to a
   * browser (started from a session) that arrives without that browser's binding, which leaves the state usable.
   */
  async consume(provider: Provider, state: string, browserBinding?: string): Promise<ConsumedState> {
    const parsed = STATE_PATTERN.exec(state);
    if (!parsed) return { kind: 'invalid', reason: 'the consent state is malformed' };
    const [, tenantId, nonce] = parsed;
    const nonceHash = hashOf(nonce);
    return this.db.withTenant(tenantId, async (tx) => {
      const row = await tx.oAuthConnectState.findUnique({ where: { nonceHash } });
      if (!row || row.provider !== provider) return { kind: 'invalid', reason: 'this consent was not started here' } as const;
      if (row.browserBindingHash !== null && (browserBinding === undefined || hashOf(browserBinding) !== row.browserBindingHash)) {
        return { kind: 'invalid', reason: 'this consent was started in another browser session: finish it in the browser where it was started' } as const;
      }
      const taken = await tx.oAuthConnectState.updateMany({
        where: { nonceHash, provider, consumedAt: null, expiresAt: { gt: new Date() } },
        data: { consumedAt: new Date() },
      });
      if (taken.count === 0) {
        return { kind: 'invalid', reason: row.expiresAt <= new Date() ? 'this consent took longer than 10 minutes; start again' : 'this consent link was already used' } as const;
      }
      return { kind: 'valid', intent: { tenantId, externalAccount: row.externalAccount, requestedBy: row.requestedBy } } as const;
    });
  }
}

function hashOf(nonce: string): string {
  return createHash('sha256').update(nonce).digest('hex');
}
