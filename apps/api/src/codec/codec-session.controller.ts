import { Body, Controller, Delete, Get, Header, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { Response } from 'express';
import { Public } from '../auth/access.decorators';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { OPERATOR_SESSION_COOKIE } from '../auth/api-key.guard';
import { ApiError } from '../errors/api-error';

class CodecSessionDto {
  @ApiProperty({ description: 'An operator API key (co_…)' })
  @IsString()
  @Length(10, 200)
  operatorKey!: string;
}

const SESSION_SECONDS = 8 * 3600;

/**
 * The Temporal Web UI calls the codec endpoint from the operator's browser with "include credentials";
 * this gives that browser an HttpOnly, SameSite=Strict cookie scoped to /codec, after checking the key.
 */
@ApiTags('codec')
@Controller('codec/session')
export class CodecSessionController {
  constructor(private readonly authenticator: ApiKeyAuthenticator) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
  @ApiOperation({ summary: 'A page where an operator signs this browser in for the Temporal UI codec' })
  page(): string {
    return SESSION_PAGE;
  }

  @Post()
  @HttpCode(204)
  @Public()
  @ApiOperation({ summary: 'Sign this browser in for codec requests with an operator key' })
  async open(@Body() body: CodecSessionDto, @Res({ passthrough: true }) response: Response): Promise<void> {
    const principal = await this.authenticator.authenticate(body.operatorKey);
    if (principal?.kind !== 'operator') throw new ApiError(401, 'unauthorized', 'not a valid operator key');
    response.setHeader(
      'Set-Cookie',
      `${OPERATOR_SESSION_COOKIE}=${encodeURIComponent(body.operatorKey)}; Path=/codec; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}`,
    );
  }

  @Delete()
  @HttpCode(204)
  @Public()
  @ApiOperation({ summary: 'Sign this browser out' })
  close(@Res({ passthrough: true }) response: Response): void {
    response.setHeader('Set-Cookie', `${OPERATOR_SESSION_COOKIE}=; Path=/codec; HttpOnly; SameSite=Strict; Max-Age=0`);
  }
}

const SESSION_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custodian codec sign-in</title>
<style>body{font:16px system-ui;margin:3rem auto;max-width:32rem}input{width:100%;padding:.5rem}button{margin-top:1rem;padding:.5rem 1rem}</style>
</head><body>
<h1>Temporal UI codec</h1>
<p>Sign this browser in with an operator key so the Temporal Web UI can show decrypted payloads.
In the UI's codec settings, turn on "Include cross-origin credentials".</p>
<form id="f"><label>Operator key <input id="k" type="password" autocomplete="off" required></label>
<button>Sign in</button></form><p id="s" role="status"></p>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await fetch('/codec/session', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ operatorKey: document.getElementById('k').value }) });
  document.getElementById('s').textContent = r.ok ? 'Signed in for 8 hours.' : 'That is not a valid operator key.';
});
</script></body></html>`;
