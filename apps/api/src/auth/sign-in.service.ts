import { Injectable } from '@nestjs/common';
import { appendAuditEvent } from '../../../../libs/audit';
import { TenantScopedDatabase, type TenantTransaction } from '../../../../libs/db';
import { ApiError } from '../errors/api-error';
import { verifyPassword } from '../users/password-hasher';
import { looksLikeRecoveryCode, useRecoveryCode } from '../users/recovery-codes';
import { matchTotp } from '../users/totp';
import { TotpSecrets } from '../users/totp-secrets';
import type { TenantRole } from './principal';
import { UserSessions } from './user-sessions';

/** The 10th consecutive failure locks the account... */
export const LOCKOUT_THRESHOLD = 10;
/** ...for this long, unless an admin unlocks it sooner. */
export const LOCKOUT_MINUTES = 15;
/** No refusal is answered sooner than this after the request arrived, whichever check refused it. */
export const REFUSAL_FLOOR_MS = 400;

/**
 * The one answer to a wrong password, an unknown email or tenant, a locked or deactivated account and a wrong
 * one-time code: the same status and the same bytes, so the answer tells an attacker nothing about which.
 */
export function signInRefused(): ApiError {
  return new ApiError(401, 'unauthorized', 'sign-in failed: the tenant, email, password or one-time code is wrong, or this account cannot sign in now');
}

export interface SignInRequest {
  tenant: string;
  email: string;
  password: string;
  otp?: string;
  clientAddress: string;
}

export type SignInResult =
  | { kind: 'signed_in'; token: string; user: { id: string; email: string; displayName: string; role: TenantRole; tenantId: string } }
  | { kind: 'otp_required' }
  | { kind: 'refused' };

interface AccountRow {
  id: string;
  email: string;
  displayName: string;
  role: string;
  status: string;
  passwordHash: string | null;
  failedSignIns: number;
  lockedUntil: Date | null;
  otpEnabled: boolean;
  totpLastStep: bigint | null;
}

@Injectable()
export class SignInService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly sessions: UserSessions,
    private readonly totpSecrets: TotpSecrets,
  ) {}

  /**
   * Every path verifies exactly one Argon2id hash (a dummy one when there is no account), so the time taken
   * does not tell the cases apart either. The account row is locked for the attempt: parallel guesses queue
   * and each one counts. Failures are written and committed before the refusal is thrown.
   */
  async signIn(request: SignInRequest): Promise<SignInResult> {
    const started = Date.now();
    const result = await this.check(request);
    // The paths still differ by a transaction and an audit append (an unknown tenant has neither), which a loaded
    // machine stretches: every refusal waits out the same floor, so its time says nothing either.
    if (result.kind === 'refused') await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + REFUSAL_FLOOR_MS - Date.now())));
    return result;
  }

  private async check(request: SignInRequest): Promise<SignInResult> {
    const [tenant] = await this.db.prisma.$queryRaw<{ id: string | null }[]>`SELECT tenant_id_for_sign_in(${request.tenant})::text AS id`;
    if (!tenant?.id) {
      await verifyPassword(null, request.password);
      return { kind: 'refused' };
    }
    const tenantId = tenant.id;
    return this.db.withTenant(tenantId, (tx) => this.attempt(tx, tenantId, request));
  }

  private async attempt(tx: TenantTransaction, tenantId: string, request: SignInRequest): Promise<SignInResult> {
    const [account] = await tx.$queryRaw<AccountRow[]>`
      SELECT id::text AS id, email, display_name AS "displayName", role, status, password_hash AS "passwordHash",
             failed_sign_ins AS "failedSignIns", locked_until AS "lockedUntil", totp_enabled_at IS NOT NULL AS "otpEnabled",
             totp_last_step AS "totpLastStep"
      FROM tenant_users WHERE lower(email) = lower(${request.email}) FOR UPDATE`;
    const passwordMatches = await verifyPassword(account?.passwordHash, request.password);
    const actor = `user:${request.email.toLowerCase()}`;
    const audit = (action: string, outcome: 'success' | 'failure' | 'denied', details: Record<string, unknown>) =>
      appendAuditEvent(tx, tenantId, { actor, action, target: account?.id ?? request.email.toLowerCase(), outcome, details: { clientAddress: request.clientAddress, ...details } });

    if (!account || account.status !== 'active') {
      await audit('auth.sign_in_failed', 'failure', { reason: account ? `account_${account.status}` : 'unknown_email' });
      return { kind: 'refused' };
    }
    const now = new Date();
    if (account.lockedUntil && account.lockedUntil > now) {
      await audit('auth.sign_in_failed', 'denied', { reason: 'account_locked', lockedUntil: account.lockedUntil.toISOString() });
      return { kind: 'refused' };
    }
    let failures = account.failedSignIns;
    if (account.lockedUntil) {
      // The cool-down is over: the account starts afresh.
      failures = 0;
      await tx.$executeRaw`UPDATE tenant_users SET failed_sign_ins = 0, locked_until = NULL, updated_at = now() WHERE id = ${account.id}::uuid`;
      await appendAuditEvent(tx, tenantId, { actor: 'system', action: 'auth.account_unlocked', target: account.id, outcome: 'success', details: { reason: 'cool_down_elapsed', email: account.email } });
    }
    if (!passwordMatches) return this.fail(tx, tenantId, account, failures, 'wrong_password', audit);

    let usedStep: number | undefined;
    if (account.otpEnabled) {
      if (request.otp === undefined || request.otp.trim() === '') return { kind: 'otp_required' };
      const otp = request.otp.trim();
      if (looksLikeRecoveryCode(otp)) {
        if (!(await useRecoveryCode(tx, account.id, otp))) return this.fail(tx, tenantId, account, failures, 'wrong_recovery_code', audit);
        await audit('auth.recovery_code_used', 'success', {});
      } else {
        const secret = await this.totpSecrets.open(tx, tenantId, account.id);
        usedStep = secret ? matchTotp(secret, otp, now, account.totpLastStep === null ? null : Number(account.totpLastStep)) : undefined;
        secret?.fill(0);
        if (usedStep === undefined) return this.fail(tx, tenantId, account, failures, 'wrong_or_reused_otp', audit);
      }
    }
    await tx.$executeRaw`UPDATE tenant_users SET failed_sign_ins = 0, totp_last_step = coalesce(${usedStep ?? null}::bigint, totp_last_step), updated_at = now()
      WHERE id = ${account.id}::uuid`;
    const token = await this.sessions.open(tx, tenantId, account.id);
    await audit('auth.signed_in', 'success', { otp: account.otpEnabled });
    return {
      kind: 'signed_in',
      token,
      user: { id: account.id, email: account.email, displayName: account.displayName, role: account.role as TenantRole, tenantId },
    };
  }

  private async fail(
    tx: TenantTransaction,
    tenantId: string,
    account: AccountRow,
    previousFailures: number,
    reason: string,
    audit: (action: string, outcome: 'success' | 'failure' | 'denied', details: Record<string, unknown>) => Promise<unknown>,
  ): Promise<SignInResult> {
    const failures = previousFailures + 1;
    const locks = failures >= LOCKOUT_THRESHOLD;
    await tx.$executeRaw`UPDATE tenant_users SET failed_sign_ins = ${failures},
      locked_until = CASE WHEN ${locks} THEN now() + make_interval(mins => ${LOCKOUT_MINUTES}) ELSE NULL END, updated_at = now()
      WHERE id = ${account.id}::uuid`;
    await audit('auth.sign_in_failed', 'failure', { reason, consecutiveFailures: failures });
    if (locks) {
      await appendAuditEvent(tx, tenantId, {
        actor: 'system',
        action: 'auth.account_locked',
        target: account.id,
        outcome: 'success',
        details: { email: account.email, consecutiveFailures: failures, coolDownMinutes: LOCKOUT_MINUTES },
      });
    }
    return { kind: 'refused' };
  }
}
