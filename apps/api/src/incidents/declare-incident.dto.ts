import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsISO8601, IsString, Length } from 'class-validator';

export class DeclareIncidentDto {
  @ApiProperty({ example: '2026-11-20T08:30:00Z', description: 'T0: when the platform became aware of the breach; the 72 hours count from here' })
  @IsISO8601({ strict: true, strictSeparator: true })
  awarenessAt!: string;

  @ApiProperty({ example: 'An exported report with client names was reachable without sign-in', maxLength: 5000 })
  @IsString()
  @Length(1, 5000)
  description!: string;

  @ApiProperty({ example: ['contact details', 'tax identifiers'], type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  suspectedDataCategories!: string[];

  @ApiProperty({ example: 'incident-owner@custodian.example', description: 'Receives the escalation reminders' })
  @IsEmail()
  @Length(3, 320)
  ownerEmail!: string;
}
