import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { TenantScopedDatabase } from '../../../../libs/db';
import { hashKey } from './api-key-format';
import type { Principal } from './principal';

export type OperatorPrincipal = Extract<Principal, { kind: 'operator' }>;

/** How long a browser stays signed in for codec requests. */
export const OPERATOR_SESSION_SECONDS = 8 * 3600;

/** 256 random bits, base64url: what open() hands out; anything else is not worth a query. */
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Server-side sign-ins of an operator's browser (for the Temporal Web UI's codec requests). The browser holds
 * only a random token; the table holds its SHA-256, the operator key it stands for and its expiry, so the
 * cookie never carries a key, signing out ends the session at once, and revoking the key ends its sessions.
 */
@Injectable()
export class OperatorSessions {
  constructor(private readonly db: TenantScopedDatabase) {}

  /** A new session for the operator; returns the token for the cookie (never stored). */
  async open(operator: OperatorPrincipal): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + OPERATOR_SESSION_SECONDS * 1000);
    // Each sign-in sweeps the expired ones, so the table holds no more than the live sessions.
    await this.db.prisma.$transaction([
      this.db.prisma.operatorSession.deleteMany({ where: { expiresAt: { lte: now } } }),
      this.db.prisma.operatorSession.create({ data: { tokenHash: hashKey(token), operatorKeyId: operator.keyId, expiresAt } }),
    ]);
    return token;
  }

  /** The operator a live session stands for; undefined once it expired, was closed or its key was revoked. */
  async resolve(token: string): Promise<OperatorPrincipal | undefined> {
    if (!SESSION_TOKEN.test(token)) return undefined;
    const session = await this.db.prisma.operatorSession.findFirst({
      where: { tokenHash: hashKey(token), expiresAt: { gt: new Date() }, operatorKey: { revokedAt: null } },
      include: { operatorKey: { select: { id: true, name: true } } },
    });
    return session ? { kind: 'operator', keyId: session.operatorKey.id, keyName: session.operatorKey.name } : undefined;
  }

  async close(token: string): Promise<void> {
    if (!SESSION_TOKEN.test(token)) return;
    await this.db.prisma.operatorSession.deleteMany({ where: { tokenHash: hashKey(token) } });
  }
}

