import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ExportLinkClaims {
  tenantId: string;
  exportId: string;
  /** Epoch seconds after which the link is refused. */
  expiresAt: number;
}

export type ExportLinkCheck = { ok: true; claims: ExportLinkClaims } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Download links carry their own authority: claims (which export of which tenant, until when) and an
 * HMAC-SHA256 over them, so the download needs no API key and a link is good for one export until it expires.
 */
export class ExportLinkSigner {
  constructor(private readonly secret: string) {}

  sign(claims: ExportLinkClaims): string {
    const payload = Buffer.from(JSON.stringify({ t: claims.tenantId, e: claims.exportId, x: claims.expiresAt }), 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): ExportLinkCheck {
    const [payload, mac, ...rest] = token.split('.');
    if (!payload || !mac || rest.length > 0) return { ok: false, reason: 'invalid' };
    const expected = Buffer.from(this.mac(payload), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
    let claims: ExportLinkClaims;
    try {
      const raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t: unknown; e: unknown; x: unknown };
      if (typeof raw.t !== 'string' || typeof raw.e !== 'string' || typeof raw.x !== 'number') return { ok: false, reason: 'invalid' };
      claims = { tenantId: raw.t, exportId: raw.e, expiresAt: raw.x };
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (nowSeconds >= claims.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(`custodian-export-link.v1.${payload}`).digest('base64url');
  }
}
