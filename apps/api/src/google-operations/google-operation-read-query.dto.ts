import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** How fresh a Google operation's state must be. */
export class GoogleOperationReadQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      "true: ask the operation's workflow itself (a describe and a query in Temporal) instead of the state its activities recorded. Without it the answer comes from PostgreSQL alone, and Temporal is asked only while the workflow has recorded nothing yet.",
    example: 'true',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  live?: 'true' | 'false';
}

/** What the GET routes of the operations say about where their answer comes from. */
export const RECORDED_STATE =
  " The state is what the workflow's activities recorded as it moved (read from PostgreSQL alone); until it has recorded anything, and with live=true, Temporal is asked.";
