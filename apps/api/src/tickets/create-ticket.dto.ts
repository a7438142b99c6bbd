import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { TICKET_PRIORITIES, TICKET_TYPES, type TicketPriority, type TicketType } from '../../../../libs/contracts';

/** Left out, type and priority take their defaults; null is no type or priority at all, so it is refused (@IsOptional would skip it). */
const present = (value: unknown) => value !== undefined;

export class CreateTicketDto {
  @ApiPropertyOptional({ enum: TICKET_TYPES, default: 'general' })
  @ValidateIf((dto: CreateTicketDto) => present(dto.type))
  @IsIn(TICKET_TYPES)
  type: TicketType = 'general';

  @ApiProperty({ example: 'Cannot sign in to Gmail', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  summary!: string;

  @ApiPropertyOptional({ maxLength: 10000, example: 'Locked out since the password expired on Friday' })
  @IsOptional()
  @IsString()
  @Length(0, 10000)
  description?: string;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, default: 'normal' })
  @ValidateIf((dto: CreateTicketDto) => present(dto.priority))
  @IsIn(TICKET_PRIORITIES)
  priority: TicketPriority = 'normal';

  @ApiProperty({ example: 'jane@acme.example', description: 'Who asked for the work' })
  @IsEmail()
  @Length(3, 320)
  requester!: string;

  @ApiPropertyOptional({ example: 'it-desk@acme.example' })
  @IsOptional()
  @IsEmail()
  @Length(3, 320)
  assignee?: string;
}
