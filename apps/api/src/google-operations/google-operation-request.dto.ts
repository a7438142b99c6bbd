import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches } from 'class-validator';
import { TICKET_REF_PATTERN } from '../../../../libs/contracts';

/** What every Google operation names: the ticket it carries out and the Workspace user it acts on. */
export class GoogleOperationRequestDto {
  @ApiProperty({ example: 'CT-000123', description: 'The ticket this work is for; one operation of each kind per ticket' })
  @IsString()
  @Matches(TICKET_REF_PATTERN, { message: 'ticketRef must be a ticket reference like CT-000123' })
  ticketRef!: string;

  @ApiProperty({ example: 'jane@acme.example', description: "The user's primary address in the tenant's Workspace domain" })
  @IsEmail({ require_tld: false })
  @Length(3, 320)
  userEmail!: string;
}
