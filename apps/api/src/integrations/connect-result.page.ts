import type { Response } from 'express';
import { escapeHtml } from '../secrets/one-time-secret.page';

/** The page an admin lands on after the provider's consent screen: plain HTML, no script, nothing cached. */
export function sendConnectResultPage(response: Response, status: number, title: string, message: string): void {
  response
    .status(status)
    .setHeader('Content-Type', 'text/html; charset=utf-8')
    .setHeader('Cache-Control', 'no-store')
    .setHeader('Referrer-Policy', 'no-referrer')
    .setHeader('Content-Security-Policy', "default-src 'none'")
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Custodian</title></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`);
}
