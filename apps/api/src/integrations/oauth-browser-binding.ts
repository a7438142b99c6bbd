import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Provider } from '../../../../libs/connectors/credential-store';
import type { TenantPrincipal } from '../auth/principal';
import { readCookie } from '../auth/user-session-cookie';

/** As long as a consent state lives. */
const BINDING_SECONDS = 10 * 60;

function cookieName(provider: Provider): string {
  return `custodian_oauth_${provider}`;
}

/**
 * A consent started from a person's session is bound to their browser: a random value in a cookie of that
 * browser, whose hash the state row keeps. SameSite=Lax, unlike the session cookie: the provider's redirect back
 * is a cross-site top-level navigation, which a Strict cookie would not join. It opens nothing by itself; it only
 * proves the callback comes back to the browser that started the consent, so a consent link handed to someone
 * else cannot be completed by them. API keys (no browser) keep the state bound to the tenant only.
 */
export function bindConsentToBrowser(caller: TenantPrincipal, provider: Provider, response: Response, secure: boolean): string | undefined {
  if (caller.via !== 'session') return undefined;
  const binding = randomBytes(32).toString('base64url');
  const attributes = [`${cookieName(provider)}=${binding}`, `Path=/v1/integrations/${provider}`, 'HttpOnly', 'SameSite=Lax', `Max-Age=${BINDING_SECONDS}`];
  if (secure) attributes.push('Secure');
  response.append('Set-Cookie', attributes.join('; '));
  return binding;
}

/** The binding the callback's browser brought back, if any. */
export function consentBrowserBinding(provider: Provider, request: Request): string | undefined {
  return readCookie(request, cookieName(provider));
}
