import type { Secret } from '../../crypto/secret';
import type { GoogleTokenSet } from './google-token-set';
import type { GoogleTokenSource } from './google-token-source';

export interface GoogleTokenCacheOptions {
  /** The tenant's stored token set (decrypted by the credential store); throws when not connected. */
  loadTokenSet(): Promise<GoogleTokenSet>;
  /** Persists (encrypted) a refreshed token set; awaited before the new access token is handed out. */
  saveTokenSet(tokens: GoogleTokenSet): Promise<void>;
  /** The token endpoint: GoogleOAuth.refresh. */
  refresh(refreshToken: Secret): Promise<GoogleTokenSet>;
  now?: () => number;
}

/** A token with less than this left is refreshed first, so it cannot expire on its way to Google. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * One tenant's Google access token, in memory. Fresh tokens are served from memory; a token with under a
 * minute left (or one Google rejected) is refreshed, concurrent callers share that one refresh, and the new
 * set is saved before anyone gets it, so what is stored is never older than what is in use.
 */
export class GoogleTokenCache implements GoogleTokenSource {
  private current: GoogleTokenSet | undefined;
  private pending: Promise<GoogleTokenSet> | undefined;
  private rejected: Secret | undefined;
  private readonly now: () => number;

  constructor(private readonly options: GoogleTokenCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  async accessToken(): Promise<string> {
    if (this.current && this.usable(this.current)) return this.current.accessToken.reveal();
    this.pending ??= this.renew().finally(() => (this.pending = undefined));
    return (await this.pending).accessToken.reveal();
  }

  invalidate(rejectedAccessToken: string): void {
    if (this.current?.accessToken.reveal() !== rejectedAccessToken) return; // already replaced by a refresh
    this.rejected = this.current.accessToken;
    this.current = undefined;
  }

  private async renew(): Promise<GoogleTokenSet> {
    const stored = await this.options.loadTokenSet();
    if (this.usable(stored)) return (this.current = stored);
    const refreshed = await this.options.refresh(stored.refreshToken);
    await this.options.saveTokenSet(refreshed);
    this.rejected = undefined;
    return (this.current = refreshed);
  }

  private usable(tokens: GoogleTokenSet): boolean {
    if (this.rejected && tokens.accessToken.reveal() === this.rejected.reveal()) return false;
    return tokens.expiresAt.getTime() - this.now() > REFRESH_MARGIN_MS;
  }
}
