import { Injectable } from '@nestjs/common';
import { toString as qrCodeSvg } from 'qrcode';
import { appendAuditEvent } from '../../../../libs/audit';
import { TenantScopedDatabase, type TenantTransaction } from '../../../../libs/db';
import { ApiError } from '../errors/api-error';
import type { TenantPrincipal } from '../auth/principal';
import { UserSessions } from '../auth/user-sessions';
import { hashPassword, verifyPassword } from './password-hasher';
import { assertAcceptablePassword } from './password-policy';
import { issueRecoveryCodes } from './recovery-codes';
import { base32, matchTotp, newTotpSecret, otpauthUri } from './totp';
import { TotpSecrets } from './totp-secrets';

const ISSUER = 'Custodian';

export interface OtpEnrolment {
  /** Base32, for typing into an authenticator by hand. */
  secret: string;
  otpauthUri: string;
  /** The same URI as a QR code (SVG), for scanning. */
  qrCodeSvg: string;
}

/** What a signed-in person changes about their own sign-in: password and one-time codes. */
@Injectable()
export class AccountSecurityService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly sessions: UserSessions,
    private readonly totpSecrets: TotpSecrets,
  ) {}

  /** A new password ends every session of the account, this one included: the person signs in again. */
  async changePassword(caller: TenantPrincipal, currentPassword: string, newPassword: string): Promise<void> {
    const userId = personOf(caller);
    assertAcceptablePassword(newPassword);
    if (newPassword === currentPassword) throw new ApiError(400, 'bad_request', 'the new password must differ from the current one');
    const newHash = await hashPassword(newPassword);
    await this.db.withTenant(caller.tenantId, async (tx) => {
      const account = await this.account(tx, userId);
      if (!(await verifyPassword(account.passwordHash, currentPassword))) {
        await appendAuditEvent(tx, caller.tenantId, { actor: actorOf(caller), action: 'auth.password_change_refused', target: userId, outcome: 'denied', details: { reason: 'wrong_current_password' } });
        return 'refused';
      }
      await tx.$executeRaw`UPDATE tenant_users SET password_hash = ${newHash}, password_changed_at = now(), updated_at = now() WHERE id = ${userId}::uuid`;
      const ended = await this.sessions.closeAllOf(tx, userId);
      await appendAuditEvent(tx, caller.tenantId, { actor: actorOf(caller), action: 'auth.password_changed', target: userId, outcome: 'success', details: { sessionsEnded: ended } });
      return 'changed';
    }).then((outcome) => {
      if (outcome === 'refused') throw new ApiError(400, 'bad_request', 'the current password is not right');
    });
  }

  /** Starts (or restarts) enrolment: a new secret, stored encrypted, not yet required at sign-in. */
  async startOtpEnrolment(caller: TenantPrincipal): Promise<OtpEnrolment> {
    const userId = personOf(caller);
    const secret = newTotpSecret();
    try {
      await this.db.withTenant(caller.tenantId, async (tx) => {
        const account = await this.account(tx, userId);
        if (account.otpEnabled) throw new ApiError(409, 'conflict', 'one-time codes are already on for this account: turn them off first to enrol another authenticator');
        await this.totpSecrets.seal(tx, caller.tenantId, userId, secret);
      });
      const uri = otpauthUri(secret, ISSUER, caller.keyName);
      return { secret: base32(secret), otpauthUri: uri, qrCodeSvg: await qrCodeSvg(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
    } finally {
      secret.fill(0);
    }
  }

  /** A first code from the authenticator turns OTP on; the recovery codes are in this answer only. */
  async confirmOtpEnrolment(caller: TenantPrincipal, code: string): Promise<{ recoveryCodes: string[] }> {
    const userId = personOf(caller);
    const result = await this.db.withTenant(caller.tenantId, async (tx) => {
      const account = await this.account(tx, userId);
      if (account.otpEnabled) throw new ApiError(409, 'conflict', 'one-time codes are already on for this account');
      const secret = await this.totpSecrets.open(tx, caller.tenantId, userId);
      if (!secret) throw new ApiError(409, 'conflict', 'no enrolment in progress: start one with POST /v1/auth/otp/enrolment');
      const step = matchTotp(secret, code, new Date(), null);
      secret.fill(0);
      if (step === undefined) return undefined;
      await tx.$executeRaw`UPDATE tenant_users SET totp_enabled_at = now(), totp_last_step = ${step}, updated_at = now() WHERE id = ${userId}::uuid`;
      const recoveryCodes = await issueRecoveryCodes(tx, caller.tenantId, userId);
      await appendAuditEvent(tx, caller.tenantId, { actor: actorOf(caller), action: 'auth.otp_enabled', target: userId, outcome: 'success', details: { recoveryCodes: recoveryCodes.length } });
      return { recoveryCodes };
    });
    if (!result) throw new ApiError(400, 'bad_request', 'that code does not match the authenticator: check its clock and try the current code');
    return result;
  }

  /** Turns OTP off (with the password), unless the tenant requires it. */
  async disableOtp(caller: TenantPrincipal, password: string): Promise<void> {
    const userId = personOf(caller);
    const outcome = await this.db.withTenant(caller.tenantId, async (tx) => {
      const account = await this.account(tx, userId);
      const [policy] = await tx.$queryRaw<{ requireOtp: boolean }[]>`SELECT require_otp AS "requireOtp" FROM tenant_sign_in_policies`;
      if (policy?.requireOtp) throw new ApiError(409, 'conflict', 'this tenant requires one-time codes: they cannot be turned off');
      if (!(await verifyPassword(account.passwordHash, password))) return 'refused';
      await this.totpSecrets.remove(tx, userId);
      await tx.$executeRaw`DELETE FROM tenant_user_recovery_codes WHERE user_id = ${userId}::uuid`;
      await appendAuditEvent(tx, caller.tenantId, { actor: actorOf(caller), action: 'auth.otp_disabled', target: userId, outcome: 'success', details: {} });
      return 'disabled';
    });
    if (outcome === 'refused') throw new ApiError(400, 'bad_request', 'the password is not right');
  }

  private async account(tx: TenantTransaction, userId: string): Promise<{ passwordHash: string | null; otpEnabled: boolean }> {
    const [row] = await tx.$queryRaw<{ passwordHash: string | null; otpEnabled: boolean }[]>`
      SELECT password_hash AS "passwordHash", totp_enabled_at IS NOT NULL AS "otpEnabled" FROM tenant_users WHERE id = ${userId}::uuid FOR UPDATE`;
    if (!row) throw new ApiError(401, 'unauthorized', 'session expired or signed out: sign in again');
    return row;
  }
}

/** These routes are a person's own: an API key or a support grant has no password or authenticator. */
function personOf(caller: TenantPrincipal): string {
  if (caller.via !== 'session' || !caller.userId) throw new ApiError(403, 'forbidden', 'this route is for a signed-in person (session cookie), not an API key');
  return caller.userId;
}

function actorOf(caller: TenantPrincipal): string {
  return `user:${caller.keyName.toLowerCase()}`;
}
