import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** How fresh the workflow part of a ticket must be. */
export class TicketReadQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      "true: ask the intake workflow itself (a describe and a query in Temporal) instead of the state its activity recorded on the ticket. Without it the answer comes from PostgreSQL alone, and Temporal is asked only while the ticket has no recorded state yet.",
    example: 'true',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  live?: 'true' | 'false';
}
