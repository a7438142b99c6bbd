import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length } from 'class-validator';

export class SubmitSecurityReportDto {
  @ApiProperty({ example: 'Stored XSS in the ticket summary', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  summary!: string;

  @ApiProperty({ description: 'What you found, how to reproduce it, what it affects', maxLength: 10000, example: 'A ticket summary of <img src=x onerror=alert(1)> runs script on the tenant page.' })
  @IsString()
  @Length(1, 10000)
  details!: string;

  @ApiProperty({ example: 'researcher@example.org', description: 'Where the acknowledgement goes' })
  @IsEmail()
  @Length(3, 320)
  reporterEmail!: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'A. Researcher' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reporterName?: string;

  @ApiPropertyOptional({ example: 'https://api.custodian.example/v1/tickets', maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  affectedAsset?: string;
}
