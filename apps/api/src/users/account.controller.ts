import { Body, Controller, Delete, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../../libs/config/app-config';
import { OpenDuringOtpEnrolment, Public, TenantRoles } from '../auth/access.decorators';
import { OtpEnrolmentResponse, RecoveryCodesResponse } from '../auth/auth-responses';
import { AuthThrottlerGuard } from '../auth/auth-throttler.guard';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ANY_TENANT_ROLE, type TenantPrincipal } from '../auth/principal';
import { AcceptInvitationDto, ChangePasswordDto, DisableOtpDto, OtpCodeDto } from '../auth/sign-in.dto';
import { servedOverHttps, userSessionCookie } from '../auth/user-session-cookie';
import { ApiRoute } from '../platform/api-route.decorator';
import { APP_CONFIG } from '../platform/platform.module';
import { AccountSecurityService } from './account-security.service';
import { TenantUsersService } from './tenant-users.service';
import { AcceptedInvitationResponse } from './user-responses';

/** A person's own account: accepting the invitation, the password, one-time codes. */
@ApiTags('auth')
@Controller('v1/auth')
export class AccountController {
  constructor(
    private readonly users: TenantUsersService,
    private readonly security: AccountSecurityService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('invitations/accept')
  @HttpCode(200)
  @Public()
  @UseGuards(AuthThrottlerGuard)
  @ApiRoute({
    summary: 'Accept an invitation: set the password and activate the account',
    description: 'The link works once and for 72 hours. The password needs at least 12 characters and must not be on the shipped list of common passwords. Then sign in.',
    success: { status: 200, description: 'The account is active', type: AcceptedInvitationResponse },
    errors: [
      { status: 400, description: 'The link is not valid, was used or expired; or the password is too short, too long or common' },
      { status: 429, description: 'Too many attempts from this address; see Retry-After' },
    ],
  })
  accept(@Body() body: AcceptInvitationDto) {
    return this.users.acceptInvitation(body.token, body.password);
  }

  @Post('password')
  @UseGuards(AuthThrottlerGuard)
  @HttpCode(204)
  @TenantRoles(ANY_TENANT_ROLE)
  @OpenDuringOtpEnrolment()
  @ApiRoute({
    summary: 'Change my password: every session of the account ends, this one included',
    description: 'Session cookie and X-CSRF-Token only; rate-limited per client address like sign-in. The cookie is cleared; sign in again with the new password. Audited as auth.password_changed.',
    success: { status: 204, description: 'Changed; signed out everywhere' },
    errors: [
      { status: 400, description: 'The current password is wrong, or the new one is too short, too long, common or the same' },
      { status: 429, description: 'Too many attempts from this address; see Retry-After' },
    ],
  })
  async changePassword(@CurrentTenant() caller: TenantPrincipal, @Body() body: ChangePasswordDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    await this.security.changePassword(caller, body.currentPassword, body.newPassword);
    response.setHeader('Set-Cookie', userSessionCookie('', { secure: servedOverHttps(request, this.config.api.publicUrl), maxAgeSeconds: 0 }));
  }

  @Post('otp/enrolment')
  @HttpCode(201)
  @TenantRoles(ANY_TENANT_ROLE)
  @OpenDuringOtpEnrolment()
  @ApiRoute({
    summary: 'Start enrolling an authenticator (TOTP, RFC 6238): the secret, its otpauth:// URI and a QR code',
    description: 'The secret is stored envelope-encrypted and is not required at sign-in until confirmed with a first code. Starting again replaces an unconfirmed secret.',
    success: { status: 201, description: 'Scan the QR code, then confirm with a code', type: OtpEnrolmentResponse },
    errors: [{ status: 409, description: 'OTP is already on for this account' }],
  })
  startOtp(@CurrentTenant() caller: TenantPrincipal) {
    return this.security.startOtpEnrolment(caller);
  }

  @Post('otp/enrolment/confirm')
  @UseGuards(AuthThrottlerGuard)
  @HttpCode(200)
  @TenantRoles(ANY_TENANT_ROLE)
  @OpenDuringOtpEnrolment()
  @ApiRoute({
    summary: 'Confirm enrolment with a first code: OTP is on, and ten recovery codes are shown once',
    description: 'From now on sign-in needs a code (or an unused recovery code); a code is accepted once. Audited as auth.otp_enabled.',
    success: { status: 200, description: 'OTP is on', type: RecoveryCodesResponse },
    errors: [
      { status: 400, description: 'The code does not match the authenticator' },
      { status: 409, description: 'No enrolment in progress, or OTP is already on' },
      { status: 429, description: 'Too many attempts from this address; see Retry-After' },
    ],
  })
  confirmOtp(@CurrentTenant() caller: TenantPrincipal, @Body() body: OtpCodeDto) {
    return this.security.confirmOtpEnrolment(caller, body.code);
  }

  @Delete('otp')
  @UseGuards(AuthThrottlerGuard)
  @HttpCode(204)
  @TenantRoles(ANY_TENANT_ROLE)
  @ApiRoute({
    summary: 'Turn my one-time codes off (with my password)',
    description: 'Removes the encrypted secret, its data key and the recovery codes. Refused while the tenant requires OTP. Audited as auth.otp_disabled.',
    success: { status: 204, description: 'OTP is off' },
    errors: [
      { status: 400, description: 'The password is not right' },
      { status: 409, description: 'The tenant requires OTP' },
      { status: 429, description: 'Too many attempts from this address; see Retry-After' },
    ],
  })
  disableOtp(@CurrentTenant() caller: TenantPrincipal, @Body() body: DisableOtpDto) {
    return this.security.disableOtp(caller, body.password);
  }
}
