import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export class CreateTenantDto {
  @ApiProperty({ example: 'acme-cpa', description: 'Lowercase letters, digits and dashes; unique' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, { message: 'slug must be 3-63 lowercase letters, digits or dashes' })
  slug!: string;

  @ApiProperty({ example: 'Acme CPA LLP' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'first-admin', description: 'Name of the first admin API key' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._@-]*$/, { message: 'adminKeyName may hold letters, digits, spaces and . _ @ -' })
  adminKeyName?: string;
}
