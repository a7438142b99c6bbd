import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { appendAuditEvent } from '../../../../libs/audit';
import { TenantScopedDatabase, type TenantTransaction } from '../../../../libs/db';
import { ApiError, notFound } from '../errors/api-error';
import { auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { UserSessions } from '../auth/user-sessions';
import { hashPassword } from './password-hasher';
import { assertAcceptablePassword } from './password-policy';

/** How long an invitation link can be used. */
export const INVITATION_HOURS = 72;
const INVITATION_TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export type TenantUserStatus = 'invited' | 'active' | 'deactivated' | 'locked';

export interface TenantUserView {
  id: string;
  email: string;
  displayName: string;
  role: TenantRole;
  /** locked: active, but refused until lockedUntil (or an admin's unlock). */
  status: TenantUserStatus;
  lockedUntil: string | null;
  otpEnabled: boolean;
  createdBy: string;
  createdAt: string;
}

interface UserRow {
  id: string;
  email: string;
  displayName: string;
  role: string;
  status: string;
  lockedUntil: Date | null;
  otpEnabled: boolean;
  createdBy: string;
  createdAt: Date;
}

const USER_COLUMNS = `id::text AS id, email, display_name AS "displayName", role, status, locked_until AS "lockedUntil",
  totp_enabled_at IS NOT NULL AS "otpEnabled", created_by AS "createdBy", created_at AS "createdAt"`;

/** A tenant's people: invited by an admin, activated by accepting the invitation, deactivated or unlocked by an admin. */
@Injectable()
export class TenantUsersService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly sessions: UserSessions,
  ) {}

  async list(tenantId: string): Promise<TenantUserView[]> {
    const rows = await this.db.withTenant(tenantId, (tx) => tx.$queryRawUnsafe<UserRow[]>(`SELECT ${USER_COLUMNS} FROM tenant_users ORDER BY created_at, id`));
    return rows.map(toView);
  }

  /**
   * Invites a person (or invites an invited one again, which voids the earlier link). The link token is in this
   * answer only; the table holds its SHA-256.
   */
  async invite(caller: TenantPrincipal, request: { email: string; displayName: string; role: TenantRole }): Promise<{ user: TenantUserView; invitationToken: string; expiresAt: string }> {
    const actor = auditActor(caller);
    const token = `${caller.tenantId}.${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + INVITATION_HOURS * 3600 * 1000);
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const [existing] = await tx.$queryRawUnsafe<UserRow[]>(`SELECT ${USER_COLUMNS} FROM tenant_users WHERE lower(email) = lower($1) FOR UPDATE`, request.email);
      if (existing && existing.status !== 'invited') throw new ApiError(409, 'conflict', `${existing.email} already has an account in this tenant`);
      let userId = existing?.id;
      if (userId) {
        await tx.$executeRaw`UPDATE tenant_users SET display_name = ${request.displayName}, role = ${request.role}, updated_at = now() WHERE id = ${userId}::uuid`;
        await tx.$executeRaw`UPDATE tenant_user_invitations SET used_at = now() WHERE user_id = ${userId}::uuid AND used_at IS NULL`;
      } else {
        const [created] = await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO tenant_users (tenant_id, email, display_name, role, status, created_by)
          VALUES (${caller.tenantId}::uuid, ${request.email}, ${request.displayName}, ${request.role}, 'invited', ${actor}) RETURNING id::text AS id`;
        userId = created!.id;
      }
      await tx.$executeRaw`INSERT INTO tenant_user_invitations (tenant_id, user_id, token_hash, created_by, expires_at)
        VALUES (${caller.tenantId}::uuid, ${userId}::uuid, ${tokenHash(token)}, ${actor}, ${expiresAt})`;
      await appendAuditEvent(tx, caller.tenantId, {
        actor,
        action: 'user.invited',
        target: userId,
        outcome: 'success',
        details: { email: request.email, role: request.role, expiresAt: expiresAt.toISOString() },
      });
      const [row] = await tx.$queryRawUnsafe<UserRow[]>(`SELECT ${USER_COLUMNS} FROM tenant_users WHERE id = $1::uuid`, userId);
      return { user: toView(row!), invitationToken: token, expiresAt: expiresAt.toISOString() };
    });
  }

  /** The invited person sets a password; the link works once and for INVITATION_HOURS. */
  async acceptInvitation(token: string, password: string): Promise<{ user: TenantUserView; tenant: string }> {
    const parsed = INVITATION_TOKEN.exec(token);
    if (!parsed) throw invitationNotUsable();
    assertAcceptablePassword(password);
    const passwordHash = await hashPassword(password);
    const tenantId = parsed[1]!;
    return this.db.withTenant(tenantId, async (tx) => {
      const [invitation] = await tx.$queryRaw<{ id: string; userId: string; usedAt: Date | null; expiresAt: Date }[]>`
        SELECT id::text AS id, user_id::text AS "userId", used_at AS "usedAt", expires_at AS "expiresAt"
        FROM tenant_user_invitations WHERE token_hash = ${tokenHash(token)} FOR UPDATE`;
      if (!invitation || invitation.usedAt) throw invitationNotUsable();
      if (invitation.expiresAt <= new Date()) throw new ApiError(400, 'bad_request', `this invitation expired (links last ${INVITATION_HOURS} hours): ask an admin to invite you again`);
      await tx.$executeRaw`UPDATE tenant_user_invitations SET used_at = now() WHERE id = ${invitation.id}::uuid`;
      const updated = await tx.$executeRaw`UPDATE tenant_users SET password_hash = ${passwordHash}, password_changed_at = now(), status = 'active', updated_at = now()
        WHERE id = ${invitation.userId}::uuid AND status = 'invited'`;
      if (updated !== 1) throw invitationNotUsable();
      const [row] = await tx.$queryRawUnsafe<UserRow[]>(`SELECT ${USER_COLUMNS} FROM tenant_users WHERE id = $1::uuid`, invitation.userId);
      await appendAuditEvent(tx, tenantId, { actor: `user:${row!.email.toLowerCase()}`, action: 'user.invitation_accepted', target: row!.id, outcome: 'success', details: { email: row!.email } });
      await appendAuditEvent(tx, tenantId, { actor: `user:${row!.email.toLowerCase()}`, action: 'auth.password_set', target: row!.id, outcome: 'success', details: {} });
      const [tenant] = await tx.$queryRaw<{ slug: string }[]>`SELECT slug FROM tenants WHERE id = ${tenantId}::uuid`;
      return { user: toView(row!), tenant: tenant!.slug };
    });
  }

  /** Deactivates the account and ends every session of it at once. */
  async deactivate(caller: TenantPrincipal, userId: string): Promise<TenantUserView> {
    if (caller.userId === userId) throw new ApiError(409, 'conflict', 'you cannot deactivate your own account; ask another admin');
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const row = await this.lockUser(tx, userId);
      if (row.status === 'deactivated') return toView(row);
      await tx.$executeRaw`UPDATE tenant_users SET status = 'deactivated', updated_at = now() WHERE id = ${userId}::uuid`;
      await tx.$executeRaw`UPDATE tenant_user_invitations SET used_at = now() WHERE user_id = ${userId}::uuid AND used_at IS NULL`;
      const ended = await this.sessions.closeAllOf(tx, userId);
      await appendAuditEvent(tx, caller.tenantId, { actor: auditActor(caller), action: 'user.deactivated', target: userId, outcome: 'success', details: { email: row.email, sessionsEnded: ended } });
      return toView({ ...row, status: 'deactivated' });
    });
  }

  /** Lifts a lockout before its cool-down ends. */
  async unlock(caller: TenantPrincipal, userId: string): Promise<TenantUserView> {
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const row = await this.lockUser(tx, userId);
      await tx.$executeRaw`UPDATE tenant_users SET failed_sign_ins = 0, locked_until = NULL, updated_at = now() WHERE id = ${userId}::uuid`;
      await appendAuditEvent(tx, caller.tenantId, { actor: auditActor(caller), action: 'auth.account_unlocked', target: userId, outcome: 'success', details: { reason: 'admin', email: row.email } });
      return toView({ ...row, lockedUntil: null });
    });
  }

  async signInPolicy(tenantId: string): Promise<{ requireOtp: boolean }> {
    const [row] = await this.db.withTenant(tenantId, (tx) => tx.$queryRaw<{ requireOtp: boolean }[]>`SELECT require_otp AS "requireOtp" FROM tenant_sign_in_policies`);
    return { requireOtp: row?.requireOtp ?? false };
  }

  async setSignInPolicy(caller: TenantPrincipal, requireOtp: boolean): Promise<{ requireOtp: boolean }> {
    const actor = auditActor(caller);
    return this.db.withTenant(caller.tenantId, async (tx) => {
      await tx.$executeRaw`INSERT INTO tenant_sign_in_policies (tenant_id, require_otp, updated_by) VALUES (${caller.tenantId}::uuid, ${requireOtp}, ${actor})
        ON CONFLICT (tenant_id) DO UPDATE SET require_otp = EXCLUDED.require_otp, updated_by = EXCLUDED.updated_by, updated_at = now()`;
      await appendAuditEvent(tx, caller.tenantId, { actor, action: 'auth.otp_policy_changed', outcome: 'success', details: { requireOtp } });
      return { requireOtp };
    });
  }

  private async lockUser(tx: TenantTransaction, userId: string): Promise<UserRow> {
    const [row] = await tx.$queryRawUnsafe<UserRow[]>(`SELECT ${USER_COLUMNS} FROM tenant_users WHERE id = $1::uuid FOR UPDATE`, userId);
    if (!row) throw notFound('user');
    return row;
  }
}

function invitationNotUsable(): ApiError {
  return new ApiError(400, 'bad_request', 'this invitation link is not valid or was already used');
}

function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function toView(row: UserRow): TenantUserView {
  const locked = row.status === 'active' && row.lockedUntil !== null && row.lockedUntil > new Date();
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role as TenantRole,
    status: locked ? 'locked' : (row.status as TenantUserStatus),
    lockedUntil: locked ? row.lockedUntil!.toISOString() : null,
    otpEnabled: row.otpEnabled,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}
