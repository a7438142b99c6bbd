import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Length, Matches } from 'class-validator';

export class ConnectJiraQueryDto {
  @ApiPropertyOptional({
    example: 'https://acme.atlassian.net',
    description: 'The Jira site to connect (its URL or cloudId) when the admin\'s Atlassian account reaches several; without it, a grant reaching several sites waits for PUT /v1/integrations/jira/site',
  })
  @IsOptional()
  @Length(1, 253)
  @Matches(/^(https:\/\/[a-z0-9.-]+\/?|[0-9a-f-]{36})$/i, { message: 'site must be a site URL like https://acme.atlassian.net or a cloudId' })
  site?: string;
}
