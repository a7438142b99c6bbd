import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';

/** apps/api/public beside src/ (npm run build copies it beside dist/apps/api/src). */
export const PUBLIC_DIR = join(__dirname, '..', '..', 'public');

/**
 * The tenant console at /tenant/: static, framework-free files that call the API with the person's session
 * cookie. Scripts and styles from this origin only, so injected markup could not run anything; images also
 * from data: URLs, for the authenticator's QR code (an SVG shown as an <img>, which runs no script).
 */
export function serveTenantPage(app: NestExpressApplication): void {
  app.useStaticAssets(join(PUBLIC_DIR, 'tenant'), {
    prefix: '/tenant',
    index: 'index.html',
    setHeaders: (response) => {
      response.setHeader(
        'Content-Security-Policy',
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      response.setHeader('X-Content-Type-Options', 'nosniff');
      response.setHeader('Referrer-Policy', 'no-referrer');
      response.setHeader('Cache-Control', 'no-cache');
    },
  });
}
