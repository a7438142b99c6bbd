import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length, ValidateIf } from 'class-validator';
import {
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
} from '../../../../libs/contracts';

const present = (value: unknown) => value !== undefined;
const presentAndNotNull = (value: unknown) => value !== undefined && value !== null;

/**
 * A PATCH of a ticket: only the fields given change. null clears description or assignee; the other fields
 * cannot be cleared, so null there is refused (not skipped, as @IsOptional would).
 */
export class UpdateTicketDto {
  @ApiPropertyOptional({ maxLength: 200, example: 'Cannot sign in to Gmail after the password change' })
  @ValidateIf((dto: UpdateTicketDto) => present(dto.summary))
  @IsString()
  @Length(1, 200)
  summary?: string;

  @ApiPropertyOptional({ maxLength: 10000, nullable: true, description: 'null clears it', example: 'The user confirmed the new password works' })
  @ValidateIf((dto: UpdateTicketDto) => presentAndNotNull(dto.description))
  @IsString()
  @Length(0, 10000)
  description?: string | null;

  @ApiPropertyOptional({ enum: TICKET_STATUSES })
  @ValidateIf((dto: UpdateTicketDto) => present(dto.status))
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES })
  @ValidateIf((dto: UpdateTicketDto) => present(dto.priority))
  @IsIn(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional({ enum: TICKET_TYPES })
  @ValidateIf((dto: UpdateTicketDto) => present(dto.type))
  @IsIn(TICKET_TYPES)
  type?: TicketType;

  @ApiPropertyOptional({ example: 'it-desk@acme.example', nullable: true, description: "The assignee's email; null unassigns" })
  @ValidateIf((dto: UpdateTicketDto) => presentAndNotNull(dto.assignee))
  @IsEmail()
  @Length(3, 320)
  assignee?: string | null;
}
