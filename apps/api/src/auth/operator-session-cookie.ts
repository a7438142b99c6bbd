import type { Request } from 'express';

export const OPERATOR_SESSION_COOKIE = 'custodian_codec_session';

/**
 * The codec session cookie: HttpOnly (no script reads it), only sent to /codec, Secure when the API is reached
 * over HTTPS. SameSite=Strict still lets it reach us from the Temporal UI on another port of the same host name
 * (a cross-origin but same-site fetch) and keeps it off every cross-site request, form posts included.
 */
export function operatorSessionCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  const attributes = [`${OPERATOR_SESSION_COOKIE}=${token}`, 'Path=/codec', 'HttpOnly', 'SameSite=Strict', `Max-Age=${options.maxAgeSeconds}`];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

export function readOperatorSessionCookie(request: Request): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === OPERATOR_SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
