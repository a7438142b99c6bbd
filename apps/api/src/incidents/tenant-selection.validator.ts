import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TENANTS = 1000;

/** "all", or a non-empty list of distinct tenant ids. */
@ValidatorConstraint({ name: 'tenantSelection' })
export class TenantSelectionConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (value === 'all') return true;
    return (
      Array.isArray(value) &&
      value.length >= 1 &&
      value.length <= MAX_TENANTS &&
      value.every((id) => typeof id === 'string' && UUID.test(id)) &&
      new Set(value).size === value.length
    );
  }

  defaultMessage(): string {
    return `affectedTenants must be "all" or a list of 1-${MAX_TENANTS} distinct tenant ids`;
  }
}
