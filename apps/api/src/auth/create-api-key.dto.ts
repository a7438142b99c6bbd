import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { TENANT_ROLES, type TenantRole } from './principal';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'helpdesk-bot', description: 'Shown in the audit trail as the actor' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._@-]*$/, { message: 'name may hold letters, digits, spaces and . _ @ -' })
  name!: string;

  @ApiProperty({ enum: TENANT_ROLES, example: 'agent' })
  @IsIn(TENANT_ROLES)
  role!: TenantRole;
}
