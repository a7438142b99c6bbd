import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** The words behind a delay or a closure, kept in the incident's timeline and audit trail. */
export class IncidentReasonDto {
  @ApiProperty({ maxLength: 2000, example: 'The affected tenants are still being identified from the access logs' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}
