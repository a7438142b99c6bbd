import { Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TenantScopedDatabase, type TenantTransaction } from '../../../../libs/db';
import type { TenantRole } from './principal';

/** A session ends after this long without a request... */
export const SESSION_IDLE_SECONDS = 30 * 60;
/** ...and this long after sign-in, however active. */
export const SESSION_ABSOLUTE_SECONDS = 12 * 3600;
/** last_seen_at is written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

/** "<tenant id>.<256 random bits>": the tenant part lets the lookup run under that tenant's row-level security. */
const SESSION_TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export interface SignedInUser {
  sessionId: string;
  tenantId: string;
  userId: string;
  email: string;
  displayName: string;
  role: TenantRole;
  deletionScheduledAt: string | null;
  otpEnabled: boolean;
  /** The tenant requires OTP and this person has not enrolled: only enrolment and sign-out are open. */
  otpEnrolmentRequired: boolean;
}

/**
 * People's browser sessions. The cookie holds a random token; the table holds its SHA-256, so neither a
 * database read nor a log line can be replayed as a cookie. Sign-out, a password change and deactivation delete
 * the rows, which ends the session at the next request.
 */
@Injectable()
export class UserSessions {
  constructor(private readonly db: TenantScopedDatabase) {}

  /** A new session, inside the sign-in's transaction; returns the token for the cookie (never stored). */
  async open(tx: TenantTransaction, tenantId: string, userId: string): Promise<string> {
    const token = `${tenantId}.${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + SESSION_ABSOLUTE_SECONDS * 1000);
    // Each sign-in sweeps the tenant's dead sessions, so the table holds little more than the live ones.
    await tx.$executeRaw`DELETE FROM tenant_user_sessions
      WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => ${SESSION_IDLE_SECONDS})`;
    await tx.$executeRaw`INSERT INTO tenant_user_sessions (tenant_id, user_id, token_hash, expires_at)
      VALUES (${tenantId}::uuid, ${userId}::uuid, ${tokenHash(token)}, ${expiresAt})`;
    return token;
  }

  /** The person a live session stands for; undefined when malformed, unknown, idle too long, expired or the account is not active. */
  async resolve(token: string): Promise<SignedInUser | undefined> {
    const parsed = SESSION_TOKEN.exec(token);
    if (!parsed) return undefined;
    const tenantId = parsed[1]!;
    return this.db.withTenant(tenantId, async (tx) => {
      const [row] = await tx.$queryRaw<SessionRow[]>`
        SELECT s.id::text AS "sessionId", s.last_seen_at AS "lastSeenAt", u.id::text AS "userId", u.email, u.display_name AS "displayName",
               u.role, u.totp_enabled_at IS NOT NULL AS "otpEnabled", t.deletion_scheduled_at AS "deletionScheduledAt",
               coalesce(p.require_otp, false) AS "requireOtp"
        FROM tenant_user_sessions s
        JOIN tenant_users u ON u.id = s.user_id
        JOIN tenants t ON t.id = s.tenant_id
        LEFT JOIN tenant_sign_in_policies p ON p.tenant_id = s.tenant_id
        WHERE s.token_hash = ${tokenHash(token)} AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(secs => ${SESSION_IDLE_SECONDS}) AND u.status = 'active'`;
      if (!row) return undefined;
      if (Date.now() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
        await tx.$executeRaw`UPDATE tenant_user_sessions SET last_seen_at = now() WHERE id = ${row.sessionId}::uuid`;
      }
      return {
        sessionId: row.sessionId,
        tenantId,
        userId: row.userId,
        email: row.email,
        displayName: row.displayName,
        role: row.role as TenantRole,
        deletionScheduledAt: row.deletionScheduledAt?.toISOString() ?? null,
        otpEnabled: row.otpEnabled,
        otpEnrolmentRequired: row.requireOtp && !row.otpEnabled,
      };
    });
  }

  async close(token: string): Promise<void> {
    const parsed = SESSION_TOKEN.exec(token);
    if (!parsed) return;
    await this.db.withTenant(parsed[1]!, (tx) => tx.$executeRaw`DELETE FROM tenant_user_sessions WHERE token_hash = ${tokenHash(token)}`);
  }

  /** Ends every session of a person (deactivation, password change), or every one but the caller's. */
  async closeAllOf(tx: TenantTransaction, userId: string, exceptSessionId?: string): Promise<number> {
    return exceptSessionId
      ? tx.$executeRaw`DELETE FROM tenant_user_sessions WHERE user_id = ${userId}::uuid AND id <> ${exceptSessionId}::uuid`
      : tx.$executeRaw`DELETE FROM tenant_user_sessions WHERE user_id = ${userId}::uuid`;
  }
}

/**
 * The session's CSRF token: an HMAC of the session token, so it is never stored, can be given out again after
 * a page reload (GET /v1/auth/session), and a page on another site, which cannot read our responses or the
 * HttpOnly cookie, cannot compute it.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('custodian csrf v1').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfTokenOf(sessionToken));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

interface SessionRow {
  sessionId: string;
  lastSeenAt: Date;
  userId: string;
  email: string;
  displayName: string;
  role: string;
  otpEnabled: boolean;
  deletionScheduledAt: Date | null;
  requireOtp: boolean;
}
