import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../../libs/config/app-config';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { APP_CONFIG } from '../platform/platform.module';
import { OpenDuringOtpEnrolment, Public, TenantRoles } from './access.decorators';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import { SessionResponse } from './auth-responses';
import { CurrentTenant } from './current-principal.decorator';
import { ANY_TENANT_ROLE, type TenantPrincipal } from './principal';
import { SignInDto } from './sign-in.dto';
import { signInRefused, SignInService } from './sign-in.service';
import { readCookie, servedOverHttps, USER_SESSION_COOKIE, userSessionCookie } from './user-session-cookie';
import { csrfTokenOf, SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS, UserSessions, type SignedInUser } from './user-sessions';

@ApiTags('auth')
@Controller('v1/auth')
export class SignInController {
  constructor(
    private readonly signIns: SignInService,
    private readonly sessions: UserSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('sign-in')
  @HttpCode(200)
  @Public()
  @UseGuards(AuthThrottlerGuard)
  @ApiRoute({
    summary: 'Sign a person in: a session cookie and its CSRF token',
    description:
      'Checks tenant slug, email and password (and the one-time code when the person has OTP on). On success sets the HttpOnly, SameSite=Strict ' +
      `cookie ${USER_SESSION_COOKIE} (Secure over HTTPS) and answers the CSRF token to send as X-CSRF-Token on state-changing requests. ` +
      'A wrong password, an unknown tenant or email, a locked or deactivated account and a wrong code all get the same 401, byte for byte. ' +
      'The 10th consecutive failure locks the account for 15 minutes (or until an admin unlocks it). Limited per client address and per account.',
    success: { status: 200, description: 'Signed in; Set-Cookie carries the session', type: SessionResponse },
    errors: [
      { status: 401, description: 'Sign-in failed (code unauthorized, one answer for every reason), or the password was right and a one-time code is needed (code otp_required)' },
      { status: 429, description: 'Too many attempts from this address or for this account; see Retry-After' },
    ],
  })
  async signIn(@Body() body: SignInDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionResponse> {
    const result = await this.signIns.signIn({ tenant: body.tenant, email: body.email, password: body.password, otp: body.otp, clientAddress: request.ip ?? 'unknown' });
    if (result.kind === 'otp_required') throw new ApiError(401, 'otp_required', 'enter the one-time code from your authenticator (or a recovery code)');
    if (result.kind === 'refused') throw signInRefused();
    const user = await this.sessions.resolve(result.token);
    if (!user) throw signInRefused();
    response.setHeader('Set-Cookie', userSessionCookie(result.token, { secure: servedOverHttps(request, this.config.api.publicUrl), maxAgeSeconds: SESSION_ABSOLUTE_SECONDS }));
    return sessionView(user, result.token);
  }

  @Get('session')
  @TenantRoles(ANY_TENANT_ROLE)
  @OpenDuringOtpEnrolment()
  @ApiRoute({
    summary: 'The signed-in person and the CSRF token of this session (after a page reload)',
    description: 'Answers only to the session cookie; reading it does not extend the absolute lifetime.',
    success: { status: 200, description: 'The session', type: SessionResponse },
    errors: [{ status: 403, description: 'Called with an API key instead of a session cookie' }],
  })
  async session(@CurrentTenant() caller: TenantPrincipal, @Req() request: Request): Promise<SessionResponse> {
    const token = readCookie(request, USER_SESSION_COOKIE);
    const user = caller.via === 'session' && token !== undefined ? await this.sessions.resolve(token) : undefined;
    if (!user) throw new ApiError(403, 'forbidden', 'this route is for a signed-in person (session cookie), not an API key');
    return sessionView(user, token!);
  }

  @Post('sign-out')
  @HttpCode(204)
  @Public()
  @ApiRoute({
    summary: 'Sign out: the session ends at once and the cookie is cleared',
    description: 'Needs no CSRF token: the SameSite=Strict cookie does not travel with another site\'s requests, and signing out is all this does.',
    success: { status: 204, description: 'Signed out (also when there was no session)' },
  })
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const token = readCookie(request, USER_SESSION_COOKIE);
    if (token !== undefined) await this.sessions.close(token);
    response.setHeader('Set-Cookie', userSessionCookie('', { secure: servedOverHttps(request, this.config.api.publicUrl), maxAgeSeconds: 0 }));
  }
}

function sessionView(user: SignedInUser, token: string): SessionResponse {
  return {
    user: { id: user.userId, email: user.email, displayName: user.displayName, role: user.role, tenantId: user.tenantId, otpEnabled: user.otpEnabled },
    csrfToken: csrfTokenOf(token),
    otpEnrolmentRequired: user.otpEnrolmentRequired,
    idleTimeoutSeconds: SESSION_IDLE_SECONDS,
    absoluteTimeoutSeconds: SESSION_ABSOLUTE_SECONDS,
  };
}
