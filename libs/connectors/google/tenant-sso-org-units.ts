/**
 * Which of a tenant's users sign in through a third-party identity provider, as the tenant configured it.
 *
 * Google applies changePasswordAtNextLogin (and the password itself) only to users who sign in with Google;
 * SSO users keep signing in at their IdP. The Directory API shows nothing per user about this: SSO is
 * assigned to org units or groups through Cloud Identity's inboundSsoAssignments, readable only with a
 * cloud-identity.inboundsso scope (and resolving its orgUnits/{id} targets needs admin.directory.orgunit),
 * both outside GOOGLE_SCOPES. So the tenant lists its SSO org units here, mirroring Google's rule that the
 * innermost assigned org unit wins: "/" means domain-wide SSO, and a path under `withoutSso` (an SSO_OFF
 * assignment) carves a sub-unit back out. Group-targeted assignments cannot be expressed this way.
 */
export class TenantSsoOrgUnits {
  private readonly rules: { path: string; sso: boolean }[];

  constructor(layout: { withSso: readonly string[]; withoutSso?: readonly string[] }) {
    this.rules = [
      ...layout.withSso.map((path) => ({ path: normalize(path), sso: true })),
      ...(layout.withoutSso ?? []).map((path) => ({ path: normalize(path), sso: false })),
    ].sort((a, b) => b.path.length - a.path.length);
  }

  /** Whether a user in this org unit signs in through the tenant's IdP. */
  coversOrgUnit(orgUnitPath: string): boolean {
    const path = normalize(orgUnitPath);
    return this.rules.find((rule) => contains(rule.path, path))?.sso ?? false;
  }
}

/** Compared case-insensitively and without a trailing slash, however the tenant typed them. */
function normalize(path: string): string {
  const trimmed = path.trim().toLowerCase().replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function contains(unit: string, path: string): boolean {
  return unit === '/' || path === unit || path.startsWith(`${unit}/`);
}
