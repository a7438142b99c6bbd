import type { Secret } from '../../crypto/secret';

/**
 * What Google's token endpoint granted. The tokens are Secrets, so the set prints as "[redacted]" in logs,
 * errors and JSON; it has the shape the credential store encrypts, so a store can persist it as it is.
 */
export interface GoogleTokenSet {
  accessToken: Secret;
  refreshToken: Secret;
  expiresAt: Date;
  /** Exactly GOOGLE_SCOPES: a grant with any other scope is refused before it becomes a token set. */
  scopes: string[];
}
