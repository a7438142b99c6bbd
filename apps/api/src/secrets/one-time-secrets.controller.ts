import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OneTimeSecretStore, type LinkState } from '../../../../libs/secrets/one-time-secret-store';
import { Public } from '../auth/access.decorators';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { REVEALED_PAGE_EXAMPLE, RevealedSecretResponse, SECRET_PAGE_EXAMPLE } from './one-time-secret-responses';
import { askToRevealPage, escapeHtml, revealedPage, sendSecretPage } from './one-time-secret.page';

/**
 * A temporary password, shown once. The link is the only credential: whoever holds it sees the password once.
 * Only a POST shows it (the page's button, or an API client calling POST): chat apps and mail scanners GET
 * every link they see, whatever they send as Accept, and must not use the password up.
 */
@ApiTags('secrets')
@Controller('v1/secrets')
export class OneTimeSecretsController {
  constructor(private readonly secrets: OneTimeSecretStore) {}

  @Get(':token')
  @Public()
  @ApiRoute({
    summary: "The link's page: a button that POSTs for the temporary password",
    description:
      'A GET never shows the password or uses it up (chat apps and mail scanners GET every link they see). Browsers get a page with a button that POSTs; a caller preferring JSON gets 405 while the password is still there. The link is the credential: no API key. Failures are a page for browsers, the error shape for JSON callers.',
    success: { status: 200, description: 'The page with the button', media: { 'text/html': SECRET_PAGE_EXAMPLE } },
    errors: [
      { status: 404, description: 'No such secret' },
      { status: 405, description: 'The password is still there: POST to this URL to see it (Allow: POST)' },
      { status: 410, description: 'secret_gone: already shown, or expired' },
    ],
  })
  async page(@Param('token') token: string, @Req() request: Request, @Res() response: Response) {
    noCopies(response);
    const state = await this.secrets.linkState(token);
    // Whoever does not ask for JSON gets the page: browsers, link previews, scanners sending */* or nothing.
    const html = preferredType(request, 'text/html') === 'text/html';
    if (state.kind !== 'revealable') return answerFailure(response, html, failureOf(state));
    if (html) return sendSecretPage(response, 200, askToRevealPage(token));
    response.setHeader('Allow', 'POST');
    throw new ApiError(405, 'method_not_allowed', 'a temporary password is shown only by a POST to this URL (once); a GET never shows it or uses it up');
  }

  @Post(':token')
  @Public()
  @HttpCode(200)
  @ApiRoute({
    summary: 'Show the temporary password once; the secret is destroyed as it is shown (24 h at most)',
    description:
      'Answers JSON, or the page for Accept: text/html. The secret is destroyed in the same step, so a second POST gets 410; the reveal is audited with the client address. Nothing on the way may keep a copy (Cache-Control: no-store, Referrer-Policy: no-referrer).',
    success: { status: 200, description: 'The temporary password: JSON, or a page showing it', type: RevealedSecretResponse, media: { 'text/html': REVEALED_PAGE_EXAMPLE } },
    errors: [
      { status: 404, description: 'No such secret' },
      { status: 410, description: 'secret_gone: already shown, or expired' },
    ],
  })
  async reveal(@Param('token') token: string, @Req() request: Request, @Res() response: Response) {
    noCopies(response);
    const html = preferredType(request, 'application/json') === 'text/html';
    const result = await this.secrets.reveal(token, `one-time-link:${request.ip ?? 'unknown'}`);
    if (result.kind !== 'revealed') return answerFailure(response, html, failureOf(result));
    if (html) return sendSecretPage(response, 200, revealedPage(result.subject, result.value.reveal()));
    response.json({
      user: result.subject,
      temporaryPassword: result.value.reveal(),
      changeAtNextSignIn: true,
      note: 'Shown once: this link no longer works. The user must choose a new password at next sign-in.',
    });
    return undefined;
  }
}

/** Nothing on the way (browser cache, proxies, the Referer of a next page) may keep a copy. */
function noCopies(response: Response): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Pragma', 'no-cache');
  response.setHeader('Referrer-Policy', 'no-referrer');
}

function failureOf(state: Exclude<LinkState, { kind: 'revealable' }>): ApiError {
  if (state.kind === 'unknown') return new ApiError(404, 'not_found', 'no such secret');
  return new ApiError(410, 'secret_gone', state.reason === 'expired' ? 'this secret expired unread and was destroyed' : 'this secret was already shown and is destroyed');
}

function answerFailure(response: Response, html: boolean, failure: ApiError): void {
  if (!html) throw failure;
  sendSecretPage(response, failure.getStatus(), { title: 'Nothing to show', body: `<p>${escapeHtml(failure.message)}.</p>` });
}

/** Which of the two the caller prefers; on a tie (Accept: *\/*, or no Accept at all) `first` wins. */
function preferredType(request: Request, first: 'text/html' | 'application/json'): string {
  return request.accepts([first, first === 'text/html' ? 'application/json' : 'text/html']) || first;
}
