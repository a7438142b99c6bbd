import { SetMetadata } from '@nestjs/common';
import type { TenantRole } from './principal';

export const ACCESS_METADATA = 'custodian:access';

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'operator'; allowCookie?: boolean }
  | { kind: 'tenant'; roles: readonly TenantRole[] };

/** No key needed. */
export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule);
/**
 * Platform operators only. allowCookie also accepts the operator session cookie, for the Temporal Web UI's
 * codec requests, which a browser sends without an Authorization header.
 */
export const OperatorOnly = (options: { allowCookie?: boolean } = {}) =>
  SetMetadata(ACCESS_METADATA, { kind: 'operator', ...options } satisfies AccessRule);
/** A tenant key holding one of these roles. */
export const TenantRoles = (roles: readonly TenantRole[]) =>
  SetMetadata(ACCESS_METADATA, { kind: 'tenant', roles } satisfies AccessRule);

export const OPEN_DURING_OTP_ENROLMENT = 'custodian:open-during-otp-enrolment';
/**
 * Open to a session whose tenant requires OTP before the person has enrolled (enrolment itself, sign-out,
 * the session's own details); every other route refuses such a session.
 */
export const OpenDuringOtpEnrolment = () => SetMetadata(OPEN_DURING_OTP_ENROLMENT, true);
