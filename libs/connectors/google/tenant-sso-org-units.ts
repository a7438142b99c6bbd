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

  constructor(layout: SsoOrgUnitLayout) {
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

/** The tenant's declaration: the org units assigned to its IdP, and sub-units of them carved back out. */
export interface SsoOrgUnitLayout {
  withSso: readonly string[];
  withoutSso?: readonly string[];
}

/** An org unit path as the Admin console shows it: "/" (every user), "/Sales" or "/Sales/EMEA". */
export const ORG_UNIT_PATH = /^\/$|^(\/[^/\u0000-\u001f\u007f]+)+$/;
export const ORG_UNIT_PATH_MAX_LENGTH = 500;

/**
 * What makes a declaration ambiguous or pointless, in words for the admin who sent it; empty when it is sound.
 * Each path once (case-insensitively, across both lists), and every carved-out unit inside an SSO unit.
 */
export function ssoLayoutProblems(layout: SsoOrgUnitLayout): string[] {
  const problems: string[] = [];
  const all = [...layout.withSso, ...(layout.withoutSso ?? [])];
  for (const path of all) {
    if (path.length > ORG_UNIT_PATH_MAX_LENGTH || !ORG_UNIT_PATH.test(path)) problems.push(`${JSON.stringify(path.slice(0, 60))} is not an org unit path like /Sales or /Sales/EMEA ("/" means every user)`);
  }
  const seen = new Set<string>();
  for (const path of all.map(normalize)) {
    if (seen.has(path)) problems.push(`${path} is listed more than once`);
    seen.add(path);
  }
  const withSso = layout.withSso.map(normalize);
  for (const path of (layout.withoutSso ?? []).map(normalize)) {
    if (!withSso.some((unit) => unit !== path && contains(unit, path))) problems.push(`${path} is in withoutSso but inside no org unit of withSso, so it changes nothing`);
  }
  return problems;
}

/** Compared case-insensitively and without a trailing slash, however the tenant typed them. */
function normalize(path: string): string {
  const trimmed = path.trim().toLowerCase().replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function contains(unit: string, path: string): boolean {
  return unit === '/' || path === unit || path.startsWith(`${unit}/`);
}
