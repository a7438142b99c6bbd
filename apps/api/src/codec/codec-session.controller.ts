import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../../libs/config/app-config';
import { Public } from '../auth/access.decorators';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { operatorSessionCookie, readOperatorSessionCookie } from '../auth/operator-session-cookie';
import { OPERATOR_SESSION_SECONDS, OperatorSessions } from '../auth/operator-sessions';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { APP_CONFIG } from '../platform/platform.module';

class CodecSessionDto {
  @ApiProperty({ description: 'An operator API key (co_…)', example: 'co_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5' })
  @IsString()
  @Length(10, 200)
  operatorKey!: string;
}

/**
 * The Temporal Web UI calls the codec endpoint from the operator's browser with "include credentials";
 * after checking the operator key, this gives that browser a server-side session: a random id in an
 * HttpOnly, SameSite=Strict cookie scoped to /codec, never the key itself.
 */
@ApiTags('codec')
@Controller('codec/session')
export class CodecSessionController {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly sessions: OperatorSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
  @ApiRoute({
    summary: 'A page where an operator signs this browser in for the Temporal UI codec',
    description: 'An HTML page with one field for an operator key; it POSTs to this URL and tells the operator to open the Temporal UI under the same host name.',
    success: { status: 200, description: 'The page', media: { 'text/html': '<!doctype html><html lang="en"><head><title>Custodian codec sign-in</title>…</head><body><form id="signin">…</form></body></html>' } },
  })
  page(): string {
    return SESSION_PAGE;
  }

  @Post()
  @HttpCode(204)
  @Public()
  @ApiRoute({
    summary: 'Sign this browser in for codec requests with an operator key',
    description: 'Checks the operator key and sets an HttpOnly, SameSite=Strict session cookie scoped to /codec for 8 hours (never the key itself), so the Temporal Web UI can call the codec with "include credentials".',
    success: { status: 204, description: 'Signed in; Set-Cookie carries the session' },
    errors: [{ status: 401, description: 'Not a valid operator key' }],
  })
  async open(@Body() body: CodecSessionDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const principal = await this.authenticator.authenticate(body.operatorKey);
    if (principal?.kind !== 'operator') throw new ApiError(401, 'unauthorized', 'not a valid operator key');
    const token = await this.sessions.open(principal);
    response.setHeader('Set-Cookie', operatorSessionCookie(token, { secure: this.servedOverHttps(request), maxAgeSeconds: OPERATOR_SESSION_SECONDS }));
  }

  @Delete()
  @HttpCode(204)
  @Public()
  @ApiRoute({
    summary: 'Sign this browser out',
    description: "Ends the browser's codec session on the server and clears its cookie; without a session it only clears the cookie.",
    success: { status: 204, description: 'Signed out' },
  })
  async close(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const token = readOperatorSessionCookie(request);
    if (token !== undefined) await this.sessions.close(token);
    response.setHeader('Set-Cookie', operatorSessionCookie('', { secure: this.servedOverHttps(request), maxAgeSeconds: 0 }));
  }

  /** TLS here, or (behind a proxy that terminates it) the public URL the API is configured with. */
  private servedOverHttps(request: Request): boolean {
    return request.secure || this.config.api.publicUrl?.startsWith('https:') === true;
  }
}

const SESSION_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custodian codec sign-in</title>
<style>body{font:16px system-ui;margin:3rem auto;max-width:32rem}input{width:100%;padding:.5rem}button{margin:1rem 1rem 0 0;padding:.5rem 1rem}</style>
</head><body>
<h1>Temporal UI codec</h1>
<p>Sign this browser in with an operator key so the Temporal Web UI shows decrypted payloads. Then open the
Temporal UI in this browser under the same host name as this page (both <code>localhost</code>, or both
<code>127.0.0.1</code>): the browser sends the session only to the same site.</p>
<form id="signin"><label>Operator key <input id="operator-key" type="password" autocomplete="off" required></label>
<button type="submit">Sign in</button><button type="button" id="signout">Sign out</button></form>
<p id="status" role="status"></p>
<script>
const status = document.getElementById('status');
document.getElementById('signin').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await fetch('/codec/session', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ operatorKey: document.getElementById('operator-key').value }) });
  status.textContent = r.ok ? 'Signed in for 8 hours.' : 'That is not a valid operator key.';
});
document.getElementById('signout').addEventListener('click', async () => {
  const r = await fetch('/codec/session', { method: 'DELETE' });
  status.textContent = r.ok ? 'Signed out.' : 'Sign-out failed.';
});
</script></body></html>`;
