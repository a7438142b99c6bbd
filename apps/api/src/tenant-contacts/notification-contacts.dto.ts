import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsEmail, Length } from 'class-validator';

export class NotificationContactsDto {
  @ApiProperty({ type: [String], example: ['it-admin@acme.example', 'dpo@acme.example'], description: "Where notices to this tenant's admins go, e.g. breach notices" })
  @Transform(({ value }) => (Array.isArray(value) ? value.map((email) => (typeof email === 'string' ? email.trim().toLowerCase() : email)) : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsEmail({}, { each: true })
  @Length(3, 320, { each: true })
  emails!: string[];
}
