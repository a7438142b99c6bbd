import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsString, Length, MaxLength } from 'class-validator';
import { TENANT_ROLES, type TenantRole } from '../auth/principal';

export class InviteUserDto {
  @ApiProperty({ example: 'sam@acme-cpa.example' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'Sam Rivera' })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiProperty({ enum: TENANT_ROLES, example: 'agent' })
  @IsIn(TENANT_ROLES)
  role!: TenantRole;
}

export class SignInPolicyDto {
  @ApiProperty({ example: true, description: 'Every person of the tenant must use a one-time code at sign-in' })
  @IsBoolean()
  requireOtp!: boolean;
}
