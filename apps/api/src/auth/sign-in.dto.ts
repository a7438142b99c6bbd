import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export class SignInDto {
  @ApiProperty({ example: 'acme-cpa', description: "The tenant's slug: the same email may have an account in several tenants" })
  @IsString()
  @Length(1, 100)
  tenant!: string;

  @ApiProperty({ example: 'dana@acme-cpa.example' })
  @IsString()
  @Length(3, 320)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', description: 'Never logged, never stored in clear' })
  @IsString()
  @Length(1, 1024)
  password!: string;

  @ApiPropertyOptional({ example: '492039', description: 'When OTP is on: the 6-digit code from the authenticator, or an unused recovery code (xxxx-xxxx-xxxx-xxxx)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  otp?: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The token of the invitation link', example: '0f8fad5b-d9cb-469f-a165-70867728950e.q3Vb3v0m1m3S7cJq6m8uGv1f0uYx6mYQ0a3d1xq2Zs0' })
  @IsString()
  @Length(10, 200)
  token!: string;

  @ApiProperty({ description: 'At least 12 characters, not on the list of common passwords', example: 'plum-orbit-lantern-42' })
  @IsString()
  @Length(1, 1024)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ example: 'plum-orbit-lantern-42' })
  @IsString()
  @Length(1, 1024)
  currentPassword!: string;

  @ApiProperty({ description: 'At least 12 characters, not on the list of common passwords', example: 'quiet-harbour-violet-77' })
  @IsString()
  @Length(1, 1024)
  newPassword!: string;
}

export class OtpCodeDto {
  @ApiProperty({ example: '492039', description: 'The current 6-digit code of the authenticator' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;
}

export class DisableOtpDto {
  @ApiProperty({ example: 'quiet-harbour-violet-77', description: "The account's password" })
  @IsString()
  @Length(1, 1024)
  password!: string;
}
