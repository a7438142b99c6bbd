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
  orgUnitPath: string;
  /**
   * Signs in through a third-party IdP, so a password reset and changePasswordAtNextLogin do not take
   * effect at sign-in. From the tenant's configured SSO org units (TenantSsoOrgUnits); null when the
   * tenant has configured none, meaning "not known", never "no".
   */
  hasThirdPartyIdentityProvider: boolean | null;
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
