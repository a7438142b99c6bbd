import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, type TenantPrincipal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { InviteUserDto, SignInPolicyDto } from './invite-user.dto';
import { TenantUsersService } from './tenant-users.service';
import { InvitationResponse, SignInPolicyResponse, TenantUserResponse } from './user-responses';

const ADMIN_OR_AUDITOR = ['admin', 'auditor'] as const;

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1')
export class UsersController {
  constructor(private readonly users: TenantUsersService) {}

  @Get('users')
  @TenantRoles(ADMIN_OR_AUDITOR)
  @ApiRoute({
    summary: "The tenant's people: role, status (invited, active, locked, deactivated), OTP",
    description: 'Never a password hash, a TOTP secret or an invitation token.',
    success: { status: 200, description: 'Everyone with an account in this tenant', type: [TenantUserResponse] },
  })
  list(@CurrentTenant() caller: TenantPrincipal) {
    return this.users.list(caller.tenantId);
  }

  @Post('users/invitations')
  @HttpCode(201)
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Invite a person: an account in status invited and a one-time link token (72 hours)',
    description:
      'The token goes into the link the admin sends (the console builds it); the invited person sets their password with POST /v1/auth/invitations/accept. ' +
      'Inviting an address that is still only invited issues a new link and voids the old one.',
    success: { status: 201, description: 'Invited; the token is in this answer only', type: InvitationResponse },
    errors: [{ status: 409, description: 'The address already has an active or deactivated account in this tenant' }],
  })
  invite(@CurrentTenant() caller: TenantPrincipal, @Body() body: InviteUserDto) {
    return this.users.invite(caller, body);
  }

  @Post('users/:id/deactivation')
  @HttpCode(200)
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: "Deactivate a person: no more sign-ins, and every session of theirs ends at once",
    description: 'Idempotent. An admin cannot deactivate their own account.',
    success: { status: 200, description: 'The deactivated account', type: TenantUserResponse },
    errors: [
      { status: 404, description: 'No such user in this tenant' },
      { status: 409, description: 'The caller tried to deactivate their own account' },
    ],
  })
  deactivate(@CurrentTenant() caller: TenantPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.users.deactivate(caller, id);
  }

  @Post('users/:id/unlock')
  @HttpCode(200)
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Unlock an account locked after 10 failed sign-ins, before its 15-minute cool-down ends',
    description: 'Also resets the count of consecutive failures. Audited as auth.account_unlocked.',
    success: { status: 200, description: 'The unlocked account', type: TenantUserResponse },
    errors: [{ status: 404, description: 'No such user in this tenant' }],
  })
  unlock(@CurrentTenant() caller: TenantPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.users.unlock(caller, id);
  }

  @Get('sign-in-policy')
  @TenantRoles(ADMIN_OR_AUDITOR)
  @ApiRoute({
    summary: "The tenant's sign-in policy: whether everyone must use a one-time code",
    description: 'requireOtp false until an admin turns it on.',
    success: { status: 200, description: 'The policy', type: SignInPolicyResponse },
  })
  policy(@CurrentTenant() caller: TenantPrincipal) {
    return this.users.signInPolicy(caller.tenantId);
  }

  @Put('sign-in-policy')
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Require (or stop requiring) a one-time code from everyone of the tenant',
    description: 'When required, a person without OTP who signs in can only enrol (and sign out) until they have. Audited as auth.otp_policy_changed.',
    success: { status: 200, description: 'The new policy', type: SignInPolicyResponse },
  })
  setPolicy(@CurrentTenant() caller: TenantPrincipal, @Body() body: SignInPolicyDto) {
    return this.users.setSignInPolicy(caller, body.requireOtp);
  }
}
