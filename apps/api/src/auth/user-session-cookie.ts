import type { Request } from 'express';

export const USER_SESSION_COOKIE = 'custodian_session';

/**
 * A person's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page, link or form
 * sends it), Secure when the API is reached over HTTPS, for the whole API. Its Max-Age is the absolute lifetime;
 * the server ends idle sessions earlier.
 */
export function userSessionCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  const attributes = [`${USER_SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${options.maxAgeSeconds}`];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** TLS here, or (behind a proxy that terminates it) an https public URL the API is configured with. */
export function servedOverHttps(request: Request, publicUrl: string | undefined): boolean {
  return request.secure || publicUrl?.startsWith('https:') === true;
}
