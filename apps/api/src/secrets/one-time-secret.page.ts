import type { Response } from 'express';

const HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Robots-Tag': 'noindex',
};

/**
 * What a browser gets for a secret link: a button first, so that opening (or a chat app previewing) the link
 * does not use the secret up; the password only after the person asks for it, by a POST.
 */
export function sendSecretPage(response: Response, status: number, page: { title: string; body: string }): void {
  response.status(status).set(HEADERS).send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)} · Custodian</title></head>
<body><h1>${escapeHtml(page.title)}</h1>${page.body}</body></html>`);
}

export function askToRevealPage(token: string): { title: string; body: string } {
  return {
    title: 'A temporary password for you',
    body: `<p>It can be shown once. Make sure nobody is looking at your screen.</p>
<form method="post" action="/v1/secrets/${encodeURIComponent(token)}"><button type="submit">Show the temporary password</button></form>`,
  };
}

export function revealedPage(user: string, password: string): { title: string; body: string } {
  return {
    title: `Temporary password for ${user}`,
    body: `<p><code id="temporary-password">${escapeHtml(password)}</code></p>
<p>This page cannot be shown again. You will be asked to choose a new password at your next sign-in.</p>`,
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
