import { SetMetadata } from '@nestjs/common';
import type { TenantRole } from './principal';

export const ACCESS_METADATA = 'custodian:access';

export type AccessRule = { kind: 'public' } | { kind: 'operator' } | { kind: 'tenant'; roles: readonly TenantRole[] };

/** No key needed. */
export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule);
/** Platform operators only. */
export const OperatorOnly = () => SetMetadata(ACCESS_METADATA, { kind: 'operator' } satisfies AccessRule);
/** A tenant key holding one of these roles. */
export const TenantRoles = (roles: readonly TenantRole[]) =>
  SetMetadata(ACCESS_METADATA, { kind: 'tenant', roles } satisfies AccessRule);
