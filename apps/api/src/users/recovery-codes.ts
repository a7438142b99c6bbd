import { createHash, randomBytes } from 'node:crypto';
import type { TenantTransaction } from '../../../../libs/db';
import { base32 } from './totp';

export const RECOVERY_CODE_COUNT = 10;

/**
 * One-time codes for signing in without the authenticator. Each has 80 random bits, so SHA-256 is enough to
 * store them (a slow hash protects guessable secrets; these are not); only the hashes are kept.
 */
export async function issueRecoveryCodes(tx: TenantTransaction, tenantId: string, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = base32(randomBytes(10)).toLowerCase();
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}-${raw.slice(12, 16)}`;
  });
  await tx.$executeRaw`DELETE FROM tenant_user_recovery_codes WHERE user_id = ${userId}::uuid`;
  for (const code of codes) {
    await tx.$executeRaw`INSERT INTO tenant_user_recovery_codes (tenant_id, user_id, code_hash) VALUES (${tenantId}::uuid, ${userId}::uuid, ${recoveryCodeHash(code)})`;
  }
  return codes;
}

/** Uses up a recovery code: true the first time, false for an unknown or already used one. */
export async function useRecoveryCode(tx: TenantTransaction, userId: string, code: string): Promise<boolean> {
  const used = await tx.$executeRaw`UPDATE tenant_user_recovery_codes SET used_at = now()
    WHERE user_id = ${userId}::uuid AND code_hash = ${recoveryCodeHash(code)} AND used_at IS NULL`;
  return used === 1;
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z2-7]{4}(-?[a-z2-7]{4}){3}$/i.test(code.trim());
}

function recoveryCodeHash(code: string): Buffer {
  return createHash('sha256').update(code.trim().toLowerCase().replace(/-/g, '')).digest();
}
