import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString } from 'class-validator';

/** The path format and overlaps are checked as a whole by ssoLayoutProblems, so every problem is named at once. */
export class GoogleSsoOrgUnitsDto {
  @ApiProperty({
    type: [String],
    example: ['/Federated'],
    description: 'Org units whose users sign in through the identity provider (SSO), as the Admin console shows them; ["/"] for every user, [] for none',
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  withSso!: string[];

  @ApiPropertyOptional({ type: [String], example: ['/Federated/Contractors'], description: 'Sub-units of those that sign in with Google after all (the innermost unit wins)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  withoutSso?: string[];
}
