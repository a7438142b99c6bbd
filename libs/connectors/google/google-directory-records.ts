/** What the Directory connector reports about a user, typed and with Google's optional fields resolved. */
export interface GoogleDirectoryUser {
  id: string;
  primaryEmail: string;
  isAdmin: boolean;
  isDelegatedAdmin: boolean;
  suspended: boolean;
  /** Google's reason (ADMIN, ABUSE, UNDER13, WEB_LOGIN_REQUIRED, ...) when suspended, else null. */
  suspensionReason: string | null;
  isEnrolledIn2Sv: boolean;
  /** Where the user sits in the Workspace; whether it signs in through SSO is the tenant's declaration (TenantSsoOrgUnits). */
  orgUnitPath: string;
}

/** An OAuth app the user granted access to (tokens.list). */
export interface GoogleUserOAuthGrant {
  clientId: string;
  displayText: string;
  scopes: string[];
  anonymous: boolean;
  nativeApp: boolean;
}

/** An application-specific password (asps.list). */
export interface GoogleAppPassword {
  codeId: number;
  name: string;
  createdAt: Date | null;
  lastUsedAt: Date | null;
}

/** Every call reports Google's request id when the response carried one, for the audit trail. */
export interface GoogleCallResult {
  requestId: string | null;
}
